package model

// WithCalibration returns a copy of c with calibration k.
func (c *Classifier) WithCalibration(k Calibration) (*Classifier, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	return c.with(c.thresholds, k)
}

// Weight returns the calibrated weight the model assigns to token (its
// log-likelihood ratio times the calibration slope), and whether the token
// is known.
func (c *Classifier) Weight(token string) (float64, bool) {
	_, w, ok := c.lookup(token)
	return w * c.calib.A, ok
}

// ROCAUC is the area under the ROC curve of scores against the labels
// (spam[i]: scores[i] is a spam's), ties counting one half.
func ROCAUC(scores []float64, spam []bool) float64 { return rocAUC(scores, spam) }

//go:build e2e

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Benchmarks of the function as deployed. They print figures and assert
// none; see the README's Performance section for how they are run:
//
//	go test -run=NONE -bench=. -benchtime=11x ./function/

// BenchmarkColdStart measures process start to first verdict through the
// RIE — the emulator started, the bootstrap exec'd and initialised (model
// loaded), the first invoke answered — for spamcheck and, interleaved in the
// same run, for a hello-world aws-lambda-go function built the same way.
// It reports the medians and their ratio; run with -benchtime=11x or more.
func BenchmarkColdStart(b *testing.B) {
	requireLinux(b)
	rie := mustBuildRIE(b)
	fn := mustBuildBootstrap(b, "..", "./function", "")
	hello := mustBuildBootstrap(b, toolsDir, "./hello", "")
	payload := readEvent(b, "httpapi-spam.json")
	measure := func(bootstrap string, body []byte, env ...string) time.Duration {
		p, err := startRIE(rie, bootstrap, env)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Stop()
		if _, err := p.Invoke(body); err != nil {
			b.Fatal(err)
		}
		return time.Since(p.Started)
	}
	// SPAMCHECK_BASELINE_BOOTSTRAP names another build of the function
	// (say, of an earlier commit) to measure in the same run.
	baseline := os.Getenv("SPAMCHECK_BASELINE_BOOTSTRAP")
	// SPAMCHECK_MODELS_DIR names a MODELS_DIR to measure the function
	// with too: what its site models add to a cold start.
	modelsDir := os.Getenv("SPAMCHECK_MODELS_DIR")
	// SPAMCHECK_MODEL_PATH names a model file to measure the function
	// with too, loaded with MODEL_PATH instead of the embedded model: what
	// a large model (from a layer) adds to a cold start.
	modelPath := os.Getenv("SPAMCHECK_MODEL_PATH")
	var fnTimes, helloTimes, baseTimes, dirTimes, pathTimes []time.Duration
	for b.Loop() {
		helloTimes = append(helloTimes, measure(hello, payload))
		fnTimes = append(fnTimes, measure(fn, payload))
		if baseline != "" {
			baseTimes = append(baseTimes, measure(baseline, payload))
		}
		if modelsDir != "" {
			dirTimes = append(dirTimes, measure(fn, payload, "MODELS_DIR="+modelsDir))
		}
		if modelPath != "" {
			pathTimes = append(pathTimes, measure(fn, payload, "MODEL_PATH="+modelPath))
		}
	}
	mf, mh := median(fnTimes), median(helloTimes)
	b.ReportMetric(float64(mf.Microseconds())/1000, "spamcheck-ms")
	b.ReportMetric(float64(mh.Microseconds())/1000, "hello-ms")
	b.ReportMetric(float64(mf)/float64(mh), "ratio")
	b.ReportMetric(float64(len(fnTimes)), "runs")
	if baseline != "" {
		b.ReportMetric(float64(median(baseTimes).Microseconds())/1000, "baseline-ms")
	}
	if modelsDir != "" {
		b.ReportMetric(float64(median(dirTimes).Microseconds())/1000, "models-dir-ms")
	}
	if modelPath != "" {
		b.ReportMetric(float64(median(pathTimes).Microseconds())/1000, "model-path-ms")
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// reportLatency reports p50 and p99 of samples in microseconds.
func reportLatency(b *testing.B, samples []time.Duration) {
	b.ReportMetric(float64(percentile(samples, 0.50).Nanoseconds())/1000, "p50-µs")
	b.ReportMetric(float64(percentile(samples, 0.99).Nanoseconds())/1000, "p99-µs")
}

// BenchmarkWarmInvokeRIE: one comment per invoke through the RIE, after
// start-up (the RIE's own HTTP hop included).
func BenchmarkWarmInvokeRIE(b *testing.B) {
	requireLinux(b)
	p := mustStartRIE(b, mustBuildRIE(b), mustBuildBootstrap(b, "..", "./function", ""))
	payload := readEvent(b, "httpapi-ham.json")
	if _, err := p.Invoke(payload); err != nil {
		b.Fatal(err)
	}
	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := p.Invoke(payload); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	reportLatency(b, samples)
}

// BenchmarkWarmLocalServer: one comment per request to the local server
// over loopback HTTP.
func BenchmarkWarmLocalServer(b *testing.B) {
	s := mustStartLocal(b, mustBuildLocal(b))
	body := []byte(`{"content": "Talks only work if both sides want them to; the sanctions threat is the only leverage the White House has."}`)
	client := &http.Client{}
	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		resp, err := client.Post(s.URL+"/v1/check", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		samples = append(samples, time.Since(start))
	}
	reportLatency(b, samples)
}

// BenchmarkRSS invokes the function 10,000 times through the RIE, cycling
// through every event fixture, and reports the bootstrap's resident memory
// after 1,000 and after 10,000 invokes: flat means no leak.
func BenchmarkRSS(b *testing.B) {
	requireLinux(b)
	bootstrap := mustBuildBootstrap(b, "..", "./function", "")
	p := mustStartRIE(b, mustBuildRIE(b), bootstrap)
	var payloads [][]byte
	for _, name := range sortedNames(loadExpectations(b)) {
		payloads = append(payloads, readEvent(b, name))
	}
	for b.Loop() {
		var rss1k int64
		for i := 0; i < 10000; i++ {
			out, err := p.Invoke(payloads[i%len(payloads)])
			if err != nil {
				b.Fatal(err)
			}
			if !json.Valid(out) {
				b.Fatalf("invoke %d answered %q", i, out)
			}
			if i == 999 {
				rss1k = rssOf(b, bootstrap)
			}
		}
		b.ReportMetric(float64(rss1k)/(1<<20), "rss-1k-MB")
		b.ReportMetric(float64(rssOf(b, bootstrap))/(1<<20), "rss-10k-MB")
	}
}

// rssOf returns the resident set size of the running process whose command
// is exe.
func rssOf(tb testing.TB, exe string) int64 {
	tb.Helper()
	exe, _ = filepath.Abs(exe)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.HasPrefix(string(cmd), exe+"\x00") && string(cmd) != exe {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			return rssOfPid(tb, pid)
		}
	}
	tb.Fatalf("no running process %s", exe)
	return 0
}

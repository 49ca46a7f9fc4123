//go:build e2e

package main

import (
	"bytes"
	"os/exec"
	"testing"
)

// TestTemplateLint runs cfn-lint (with its SAM transform) on template.yaml
// and fails on any finding, errors, warnings and informational ones alike.
func TestTemplateLint(t *testing.T) {
	cfnLint := requireTool(t, "cfn-lint")
	cmd := exec.Command(cfnLint, "template.yaml", "--include-checks", "I")
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}

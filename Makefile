# Build targets for `sam build` (template.yaml, Metadata: BuildMethod: makefile).
#
# SAM copies the CodeUri directory (the repository root, where go.mod lives)
# to a scratch directory, runs `make build-<LogicalId>` there with
# ARTIFACTS_DIR set, and zips whatever the target leaves in ARTIFACTS_DIR.
# BuildMethod go1.x cannot be used: it sets neither CGO_ENABLED=0 nor
# -tags lambda.norpc, which provided.al2023 wants.
#
# Run it by hand with: make build-SpamcheckFunction ARTIFACTS_DIR=/tmp/out

# LAMBDA_GOARCH must match Architectures in template.yaml. It is not called
# GOARCH so that a GOARCH exported in a developer's shell cannot leak in.
LAMBDA_GOARCH ?= arm64
GO ?= go

.PHONY: build-SpamcheckFunction
build-SpamcheckFunction:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	GOOS=linux GOARCH=$(LAMBDA_GOARCH) CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags="-s -w" -o "$(ARTIFACTS_DIR)/bootstrap" ./function

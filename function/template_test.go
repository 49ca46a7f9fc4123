package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/spamcheck/spamcheck/function/api"
	"github.com/spamcheck/spamcheck/model"
)

// repoRoot is the repository root relative to this package's directory,
// where template.yaml, samconfig.toml and the SAM Makefile live.
const repoRoot = ".."

// notDeployed lists the variables the function reads that template.yaml
// deliberately does not pass, and why; the template passes every other.
var notDeployed = map[string]string{
	"ADDR":                              "the local server's address; Lambda has no listener",
	"MODEL_PATH":                        "set by hand when a model ships in a layer",
	"FEEDBACK_DIR":                      "a local directory; on Lambda feedback goes to the bucket",
	"FEEDBACK_S3_ENDPOINT":              "an S3-compatible server for tests; Lambda uses AWS's",
	"AWS_LAMBDA_RUNTIME_API":            "set by Lambda itself",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE":   "set by Lambda itself",
	"ALLOW_ANONYMOUS_FEEDBACK_INSECURE": "a deployment never accepts anonymous training data",
}

// functionEnv returns the environment variables the function reads its
// configuration from, by watching parseConfig read them.
func functionEnv(t *testing.T) []string {
	t.Helper()
	seen := map[string]any{}
	parseConfig(func(k string) string { seen[k] = nil; return "" })
	if len(seen) < 10 {
		t.Fatalf("parseConfig read only %q", sortedKeys(seen))
	}
	return sortedKeys(seen)
}

// functionRoutes returns the routes the function's API answers.
func functionRoutes(t *testing.T) []string {
	t.Helper()
	clf, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range api.New(clf, api.Options{}).Routes() {
		// API Gateway spells the root route "/", net/http "/{$}".
		out = append(out, strings.Replace(r, "/{$}", "/", 1))
	}
	return out
}

// TestTemplate checks the properties of template.yaml that the function and
// its deployment depend on.
func TestTemplate(t *testing.T) {
	tpl := mustLoadTemplate(t, filepath.Join(repoRoot, "template.yaml"))
	resources := asMap(t, tpl["Resources"], "Resources")
	fnID := onlyResourceOfType(t, resources, "AWS::Serverless::Function")
	fn := asMap(t, resources[fnID], fnID)
	props := asMap(t, fn["Properties"], fnID+".Properties")

	if got := tpl["Transform"]; got != "AWS::Serverless-2016-10-31" {
		t.Errorf("Transform = %v, want AWS::Serverless-2016-10-31", got)
	}

	t.Run("function", func(t *testing.T) {
		tests := []struct {
			path []string
			want any
		}{
			{[]string{"Properties", "Runtime"}, "provided.al2023"},
			{[]string{"Properties", "Architectures"}, []any{"arm64"}},
			{[]string{"Properties", "Handler"}, "bootstrap"},
			{[]string{"Properties", "MemorySize"}, ref("MemorySize")},
			{[]string{"Metadata", "BuildMethod"}, "makefile"},
			// The Go module is at the root; SAM only copies CodeUri.
			{[]string{"Properties", "CodeUri"}, "."},
			// Per-site models come in the layer MODELS_DIR points into.
			{[]string{"Properties", "Layers"}, fnIf("HasModelsLayer", []any{ref("ModelsLayerArn")}, ref("AWS::NoValue"))},
		}
		for _, tt := range tests {
			if got := dig(fn, tt.path...); !equal(got, tt.want) {
				t.Errorf("%s.%s = %s, want %s", fnID, strings.Join(tt.path, "."), show(got), show(tt.want))
			}
		}
	})

	t.Run("makefile builds the function for Lambda", func(t *testing.T) {
		mk, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
		if err != nil {
			t.Fatalf("BuildMethod makefile needs a Makefile beside CodeUri: %v", err)
		}
		recipe := makeRecipe(string(mk), "build-"+fnID)
		if recipe == "" {
			t.Fatalf("Makefile has no target build-%s, which sam build runs", fnID)
		}
		for _, want := range []string{"CGO_ENABLED=0", "-tags lambda.norpc", "GOOS=linux", "$(ARTIFACTS_DIR)/bootstrap", "./function"} {
			if !strings.Contains(recipe, want) {
				t.Errorf("build-%s recipe lacks %q:\n%s", fnID, want, recipe)
			}
		}
		// The architecture the Makefile builds must be the one deployed.
		if m := regexp.MustCompile(`(?m)^LAMBDA_GOARCH \?= (\S+)`).FindStringSubmatch(string(mk)); m == nil || m[1] != "arm64" {
			t.Errorf("Makefile LAMBDA_GOARCH = %v, want arm64 to match Architectures", m)
		}
	})

	t.Run("environment", func(t *testing.T) {
		vars := asMap(t, dig(props, "Environment", "Variables"), fnID+".Environment.Variables")
		var want []string
		for _, name := range functionEnv(t) {
			if _, ok := notDeployed[name]; !ok {
				want = append(want, name)
			}
		}
		if got := sortedKeys(vars); !slices.Equal(got, want) {
			t.Errorf("environment variables = %q, want those the function reads less the ones not deployed, %q", got, want)
		}
		for name := range notDeployed {
			if !slices.Contains(functionEnv(t), name) {
				t.Errorf("notDeployed lists %s, which the function does not read", name)
			}
		}
		tests := []struct {
			name string
			want any
		}{
			// Optional thresholds are left unset, not set to "", so the
			// function falls back to the model's own.
			{"REJECT_THRESHOLD", fnIf("HasRejectThreshold", ref("RejectThreshold"), ref("AWS::NoValue"))},
			{"REVIEW_THRESHOLD", fnIf("HasReviewThreshold", ref("ReviewThreshold"), ref("AWS::NoValue"))},
			{"MODE", ref("Mode")},
			{"MAX_BODY_BYTES", ref("MaxBodyBytes")},
			{"LOG_LEVEL", ref("LogLevel")},
			// The function accepts IAM-authenticated feedback writers
			// exactly when the API asks for SigV4.
			{"IAM_AUTH", ref("EnableIamAuth")},
			// Per-site models come in a layer, which Lambda unpacks
			// under /opt.
			{"MODELS_DIR", fnIf("HasModelsLayer", "/opt/models", ref("AWS::NoValue"))},
		}
		for _, tt := range tests {
			if got := vars[tt.name]; !equal(got, tt.want) {
				t.Errorf("%s = %s, want %s", tt.name, show(got), show(tt.want))
			}
		}
		conds := asMap(t, tpl["Conditions"], "Conditions")
		for cond, param := range map[string]string{"HasRejectThreshold": "RejectThreshold", "HasReviewThreshold": "ReviewThreshold", "HasModelsLayer": "ModelsLayerArn"} {
			want := map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{ref(param), ""}}}}
			if got := conds[cond]; !equal(got, want) {
				t.Errorf("condition %s = %s, want %s", cond, show(got), show(want))
			}
		}
	})

	// Every variable the function reads is in the README's
	// configuration table.
	t.Run("documented", func(t *testing.T) {
		readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range functionEnv(t) {
			if name != "AWS_LAMBDA_RUNTIME_API" && !strings.Contains(string(readme), "| `"+name+"` |") {
				t.Errorf("README's configuration table has no row for %s", name)
			}
		}
	})

	t.Run("parameters", func(t *testing.T) {
		params := asMap(t, tpl["Parameters"], "Parameters")
		tests := []struct {
			name    string
			def     any
			allowed []any
		}{
			{name: "RejectThreshold", def: ""},
			{name: "ReviewThreshold", def: ""},
			{name: "Mode", def: "enforce", allowed: []any{"enforce", "shadow"}},
			{name: "MemorySize", def: 128},
			{name: "MaxBodyBytes", def: 65536},
			{name: "EnableIamAuth", def: "false", allowed: []any{"true", "false"}},
			{name: "LogLevel", def: "INFO", allowed: []any{"DEBUG", "INFO", "WARN", "ERROR"}},
			{name: "ThrottlingBurstLimit"},
			{name: "ThrottlingRateLimit"},
		}
		for _, tt := range tests {
			p, ok := params[tt.name].(map[string]any)
			if !ok {
				t.Errorf("parameter %s missing", tt.name)
				continue
			}
			if tt.def != nil && !equal(p["Default"], tt.def) {
				t.Errorf("parameter %s Default = %s, want %s", tt.name, show(p["Default"]), show(tt.def))
			}
			if tt.allowed != nil && !equal(p["AllowedValues"], tt.allowed) {
				t.Errorf("parameter %s AllowedValues = %s, want %s", tt.name, show(p["AllowedValues"]), show(tt.allowed))
			}
		}

		// A parameter nothing refers to is a knob that does nothing.
		rest := map[string]any{}
		for k, v := range tpl {
			if k != "Parameters" {
				rest[k] = v
			}
		}
		used := map[string]bool{}
		collectRefs(rest, used)
		for _, name := range sortedKeys(params) {
			if !used[name] {
				t.Errorf("parameter %s is never used", name)
			}
		}
	})

	// The template accepts exactly the thresholds the function accepts
	// at start-up, so a deploy cannot succeed only to fail every init.
	t.Run("threshold patterns", func(t *testing.T) {
		params := asMap(t, tpl["Parameters"], "Parameters")
		for _, name := range []string{"RejectThreshold", "ReviewThreshold", "DiscardThreshold"} {
			pat, _ := dig(params, name, "AllowedPattern").(string)
			re, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("%s AllowedPattern %q: %v", name, pat, err)
			}
			maxLen, _ := dig(params, name, "MaxLength").(int)
			accepts := func(v string) bool { return re.MatchString(v) && (maxLen == 0 || len(v) <= maxLen) }
			for _, v := range []string{"", "0.5", "0.9177", ".9", "0.999", "0", "1", "1.0", "0.0", "0.", "2", "-0.5", "0.5x", "1e-3",
				"0.99999999999999", "0.99999999999999999999", "0.00000000000000000001"} {
				env := "REJECT_THRESHOLD"
				_, cfgErr := parseConfig(func(k string) string {
					if k == env {
						return v
					}
					return ""
				})
				// The template may be stricter (it refuses 1e-3), never
				// looser; and plain decimals pass both.
				if accepts(v) && cfgErr != nil {
					t.Errorf("%s accepts %q, which the function refuses at start-up: %v", name, v, cfgErr)
				}
				if !accepts(v) && cfgErr == nil && !strings.Contains(v, "e") && len(v) <= 16 {
					t.Errorf("%s refuses %q, which the function accepts", name, v)
				}
			}
		}
	})

	apiID := ""
	t.Run("routes", func(t *testing.T) {
		events := asMap(t, props["Events"], fnID+".Events")
		var routes []string
		for _, name := range sortedKeys(events) {
			ev := asMap(t, events[name], "event "+name)
			if ev["Type"] != "HttpApi" {
				t.Errorf("event %s has Type %v, want HttpApi", name, ev["Type"])
				continue
			}
			ep := asMap(t, ev["Properties"], "event "+name+".Properties")
			routes = append(routes, fmt.Sprintf("%v %v", ep["Method"], ep["Path"]))
			id, _ := dig(ep, "ApiId", "Ref").(string)
			if apiID == "" {
				apiID = id
			}
			if id == "" || id != apiID {
				t.Errorf("event %s ApiId = %s, want a Ref to the one HttpApi", name, show(ep["ApiId"]))
			}
		}
		want := append(functionRoutes(t), "ANY /{proxy+}")
		sort.Strings(want)
		if sort.Strings(routes); !slices.Equal(routes, want) {
			t.Errorf("routes = %q, want %q", routes, want)
		}
		if api, _ := resources[apiID].(map[string]any); api["Type"] != "AWS::Serverless::HttpApi" {
			t.Fatalf("events refer to %q, which is not an AWS::Serverless::HttpApi", apiID)
		}

		// With EnableIamAuth=true every native route, the catch-all
		// included, must require SigV4; with false, none may. Akismet
		// routes authenticate with their API key and never use SigV4.
		body := asMap(t, dig(resources[apiID], "Properties", "DefinitionBody"), apiID+".DefinitionBody")
		iam := fnIf("UseIamAuth", []any{map[string]any{"AWS_IAM": []any{}}}, []any{})
		for _, r := range routes {
			method, path, _ := strings.Cut(r, " ")
			key := strings.ToLower(method)
			if method == "ANY" {
				key = "x-amazon-apigateway-any-method"
			}
			var want any = iam
			if strings.HasPrefix(path, "/1.1/") {
				want = []any{}
			}
			if got := dig(body, "paths", path, key, "security"); !equal(got, want) {
				t.Errorf("route %s security = %s, want %s", r, show(got), show(want))
			}
		}
		if got := dig(body, "components", "securitySchemes", "AWS_IAM", "x-amazon-apigateway-authtype"); got != "awsSigv4" {
			t.Errorf("AWS_IAM security scheme authtype = %s, want awsSigv4", show(got))
		}
		wantCond := map[string]any{"Fn::Equals": []any{ref("EnableIamAuth"), "true"}}
		if got := dig(tpl, "Conditions", "UseIamAuth"); !equal(got, wantCond) {
			t.Errorf("condition UseIamAuth = %s, want %s", show(got), show(wantCond))
		}
	})

	t.Run("throttling", func(t *testing.T) {
		settings := dig(resources[apiID], "Properties", "DefaultRouteSettings")
		want := map[string]any{"ThrottlingBurstLimit": ref("ThrottlingBurstLimit"), "ThrottlingRateLimit": ref("ThrottlingRateLimit")}
		if !equal(settings, want) {
			t.Errorf("%s DefaultRouteSettings = %s, want %s", apiID, show(settings), show(want))
		}
	})

	t.Run("feedback bucket", func(t *testing.T) {
		b := asMap(t, resources["FeedbackBucket"], "FeedbackBucket")
		if b["Type"] != "AWS::S3::Bucket" || b["Condition"] != "CreateFeedbackBucket" {
			t.Fatalf("FeedbackBucket = %s, want an optional AWS::S3::Bucket", show(b))
		}
		bp := asMap(t, b["Properties"], "FeedbackBucket.Properties")
		if got := dig(bp, "BucketEncryption", "ServerSideEncryptionConfiguration"); got == nil {
			t.Errorf("bucket has no default encryption")
		}
		block := map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}
		if got := bp["PublicAccessBlockConfiguration"]; !equal(got, block) {
			t.Errorf("PublicAccessBlockConfiguration = %s, want all four blocks on", show(got))
		}
		if rules, _ := dig(bp, "LifecycleConfiguration", "Rules").([]any); len(rules) == 0 {
			t.Errorf("bucket has no lifecycle rule")
		}
		// The function may put objects under feedback/ and nothing else.
		pol := show(props["Policies"])
		if !strings.Contains(pol, `"Action": "s3:PutObject"`) || !strings.Contains(pol, `${FeedbackBucket.Arn}/feedback/*`) ||
			strings.Contains(pol, "s3:*") || strings.Contains(pol, "GetObject") {
			t.Errorf("function policies = %s, want only s3:PutObject on feedback/*", pol)
		}
		for _, env := range []string{"API_KEYS", "SITE_KEYS"} {
			if got := show(dig(props, "Environment", "Variables", env)); !strings.Contains(got, "resolve:secretsmanager") {
				t.Errorf("%s = %s, want a Secrets Manager dynamic reference, never plaintext", env, got)
			}
		}
	})

	t.Run("logs", func(t *testing.T) {
		lgID, _ := dig(props, "LoggingConfig", "LogGroup", "Ref").(string)
		lg, _ := resources[lgID].(map[string]any)
		if lg["Type"] != "AWS::Logs::LogGroup" {
			t.Fatalf("LoggingConfig.LogGroup = %s, want a Ref to an AWS::Logs::LogGroup", show(dig(props, "LoggingConfig", "LogGroup")))
		}
		if dig(lg, "Properties", "RetentionInDays") == nil {
			t.Errorf("log group %s has no RetentionInDays", lgID)
		}
	})

	t.Run("outputs", func(t *testing.T) {
		outputs := asMap(t, tpl["Outputs"], "Outputs")
		wantURL := "https://${" + apiID + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
		var urls []string
		var arn bool
		for _, name := range sortedKeys(outputs) {
			v := dig(outputs[name], "Value")
			if s, ok := dig(v, "Fn::Sub").(string); ok {
				urls = append(urls, s)
			}
			if equal(v, map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}) {
				arn = true
			}
		}
		if !slices.Contains(urls, wantURL) {
			t.Errorf("no output with the endpoint URL %q; Fn::Sub outputs: %q", wantURL, urls)
		}
		if !arn {
			t.Errorf("no output with !GetAtt %s.Arn", fnID)
		}
	})
}

// mustLoadTemplate parses a CloudFormation YAML template into maps, slices
// and scalars, turning short-form intrinsics into their long form:
// !Ref X becomes {"Ref": "X"}, !GetAtt A.B becomes {"Fn::GetAtt": ["A","B"]},
// !Sub s becomes {"Fn::Sub": "s"}, !Condition C becomes {"Condition": "C"}.
func mustLoadTemplate(tb testing.TB, path string) map[string]any {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
	v, err := cfnValue(&doc)
	if err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		tb.Fatalf("parse %s: top level is %T, want a mapping", path, v)
	}
	return m
}

// cfnValue converts one YAML node, expanding CloudFormation short-form tags.
func cfnValue(n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode {
		return cfnValue(n.Alias)
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, nil
		}
		return cfnValue(n.Content[0])
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := n.Tag[1:]
		plain := *n
		plain.Tag = ""
		if n.Kind == yaml.ScalarNode {
			plain.Tag = "!!str"
		}
		v, err := cfnValue(&plain)
		if err != nil {
			return nil, err
		}
		switch name {
		case "Ref", "Condition":
			return map[string]any{name: v}, nil
		case "GetAtt":
			if s, ok := v.(string); ok {
				res, attr, found := strings.Cut(s, ".")
				if !found {
					return nil, fmt.Errorf("line %d: !GetAtt %q: want Resource.Attribute", n.Line, s)
				}
				v = []any{res, attr}
			}
		}
		return map[string]any{"Fn::" + name: v}, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, err := cfnValue(n.Content[i])
			if err != nil {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("line %d: key %v is not a string", n.Content[i].Line, k)
			}
			v, err := cfnValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[ks] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := cfnValue(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	default:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	}
}

// collectRefs records every name that v refers to: the target of each Ref
// and each ${Name} (but not ${Resource.Attribute}) in an Fn::Sub string.
func collectRefs(v any, used map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch {
			case k == "Ref":
				if s, ok := x.(string); ok {
					used[s] = true
				}
			case k == "Fn::Sub":
				s, _ := x.(string)
				if list, ok := x.([]any); ok && len(list) > 0 {
					s, _ = list[0].(string)
				}
				for _, m := range regexp.MustCompile(`\$\{([^!.}][^.}]*)\}`).FindAllStringSubmatch(s, -1) {
					used[m[1]] = true
				}
			}
			collectRefs(x, used)
		}
	case []any:
		for _, x := range v {
			collectRefs(x, used)
		}
	}
}

// onlyResourceOfType returns the logical ID of the single resource of type
// typ, failing unless there is exactly one.
func onlyResourceOfType(tb testing.TB, resources map[string]any, typ string) string {
	tb.Helper()
	var ids []string
	for id, r := range resources {
		if dig(r, "Type") == typ {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		tb.Fatalf("want exactly one %s, found %q", typ, ids)
	}
	return ids[0]
}

// makeRecipe returns the recipe lines of target in a Makefile, or "".
func makeRecipe(makefile, target string) string {
	var recipe []string
	in := false
	for _, line := range strings.Split(makefile, "\n") {
		switch {
		case strings.HasPrefix(line, target+":"):
			in = true
		case in && strings.HasPrefix(line, "\t"):
			recipe = append(recipe, line)
		case in && strings.TrimSpace(line) != "":
			in = false
		}
	}
	return strings.Join(recipe, "\n")
}

// dig follows keys through nested maps, returning nil where one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// asMap returns v as a mapping or fails the test naming what it is.
func asMap(tb testing.TB, v any, what string) map[string]any {
	tb.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		tb.Fatalf("%s is %s, want a mapping", what, show(v))
	}
	return m
}

// ref, fnIf build the long form of intrinsics for comparisons.
func ref(name string) map[string]any { return map[string]any{"Ref": name} }

func fnIf(cond string, then, els any) map[string]any {
	return map[string]any{"Fn::If": []any{cond, then, els}}
}

// equal compares decoded YAML values.
func equal(a, b any) bool { return show(a) == show(b) }

// show prints a decoded YAML value deterministically, maps sorted by key.
func show(v any) string {
	switch v := v.(type) {
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(v) {
			parts = append(parts, fmt.Sprintf("%q: %s", k, show(v[k])))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = show(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		return fmt.Sprintf("%q", v)
	default:
		return fmt.Sprintf("%v", v)
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

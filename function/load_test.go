//go:build e2e

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLoadLocalServer puts the local server under load from 32
// concurrent clients over loopback: 100,000 requests, one in five a batch of
// ten comments, the rest single comments drawn from the project's corpus. It
// fails on any error and reports p50/p99 latency, throughput and the
// server's resident memory after the first and the last 10,000 requests.
// Run it once: go test -run=NONE -bench=LoadLocalServer -benchtime=1x ./function/
func BenchmarkLoadLocalServer(b *testing.B) {
	const (
		total       = 100_000
		concurrency = 32
	)
	bin := mustBuildLocal(b)
	srv := mustStartLocal(b, bin)
	singles, batches := loadBodies(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}, Timeout: 10 * time.Second}
	for b.Loop() {
		var next, errs atomic.Int64
		lat := make([]time.Duration, total)
		var rss10k int64
		var once sync.Once
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < concurrency; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= total {
						return
					}
					body := singles[int(i)%len(singles)]
					if i%5 == 0 {
						body = batches[int(i/5)%len(batches)]
					}
					t0 := time.Now()
					resp, err := client.Post(srv.URL+"/v1/check", "application/json", bytes.NewReader(body))
					if err == nil {
						_, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if err == nil && resp.StatusCode != 200 {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					lat[i] = time.Since(t0)
					if err != nil {
						if errs.Add(1) == 1 {
							b.Errorf("request %d: %v", i, err)
						}
					}
					if i == 10_000 {
						once.Do(func() { rss10k = rssOfPid(b, srv.cmd.Process.Pid) })
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		if n := errs.Load(); n > 0 {
			b.Fatalf("%d of %d requests failed", n, total)
		}
		b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(total)/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(rss10k)/(1<<20), "rss-10k-MB")
		b.ReportMetric(float64(rssOfPid(b, srv.cmd.Process.Pid))/(1<<20), "rss-100k-MB")
		b.ReportMetric(0, "errors")
	}
}

// loadBodies returns request bodies built from the project's corpus: one
// comment each, and batches of ten.
func loadBodies(tb testing.TB) (singles, batches [][]byte) {
	tb.Helper()
	files, _ := filepath.Glob("../testdata/comments/*.jsonl")
	var comments []map[string]string
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var r map[string]any
			if json.Unmarshal([]byte(line), &r) != nil {
				continue
			}
			c := map[string]string{}
			for k, v := range r {
				if s, ok := v.(string); ok && k != "label" {
					c[k] = s
				}
			}
			c["content"] = c["text"]
			delete(c, "text")
			comments = append(comments, c)
		}
	}
	if len(comments) < 100 {
		tb.Fatalf("only %d comments in the corpus", len(comments))
	}
	for i, c := range comments {
		b, _ := json.Marshal(c)
		singles = append(singles, b)
		if i+10 <= len(comments) && i%10 == 0 {
			b, _ := json.Marshal(map[string]any{"comments": comments[i : i+10]})
			batches = append(batches, b)
		}
	}
	return singles, batches
}

// rssOfPid returns the resident set size of process pid.
func rssOfPid(tb testing.TB, pid int) int64 {
	tb.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	tb.Fatalf("no VmRSS for process %d", pid)
	return 0
}

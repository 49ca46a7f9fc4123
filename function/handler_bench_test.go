package main

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkHandler is the time inside the function per comment: an HTTP
// API event decoded, routed, scored and encoded, in-process.
func BenchmarkHandler(b *testing.B) {
	_, h, _ := testServer(b, nil)
	for _, name := range []string{"httpapi-ham.json", "httpapi-spam.json", "direct-ham.json"} {
		payload := readEvent(b, name)
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Invoke(context.Background(), payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

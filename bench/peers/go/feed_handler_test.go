package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	adaToken = "8UG7XH38-a-B5fCFNJLxGZjwiPbbP8Pl6qp_5mk0gqs"
	adaFeed  = `{"items":[{"at":"2026-11-26T17:33:51.346Z","kind":"visited","user_id":"7"}],"next_cursor":null}`
)

func testHandler(t *testing.T) http.Handler {
	t.Helper()
	dump, err := readFeedDump(strings.NewReader(adaToken+" 42 "+adaFeed+"\n"), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &feedHandler{dump: dump}
}

func TestFeedAnswers(t *testing.T) {
	h := testHandler(t)
	cases := []struct {
		name, method, target, auth string
		status                     int
		body                       string
	}{
		{"the dumped page", "GET", "/v1/feed?limit=20", "Bearer " + adaToken, 200, adaFeed},
		{"limit absent is 20", "GET", "/v1/feed", "bearer " + adaToken, 200, adaFeed},
		{"first limit counts", "GET", "/v1/feed?limit=20&limit=5&cursor=", "Bearer " + adaToken, 200, adaFeed},
		{"no header", "GET", "/v1/feed?limit=20", "", 401,
			`{"error":{"code":"unauthenticated","message":"send Authorization: Bearer <token>"}}`},
		{"malformed token", "GET", "/v1/feed?limit=20", "Bearer xyz", 401,
			`{"error":{"code":"unauthenticated","message":"the bearer token is malformed"}}`},
		{"unknown token", "GET", "/v1/feed?limit=20", "Bearer " + strings.Repeat("a", 43), 401,
			`{"error":{"code":"unauthenticated","message":"invalid or expired session"}}`},
		{"limit not a number", "GET", "/v1/feed?limit=2x", "Bearer " + adaToken, 400,
			`{"error":{"code":"bad_request","field":"limit","message":"limit must be a number"}}`},
		{"bad escape", "GET", "/v1/feed?cursor=%zz", "Bearer " + adaToken, 400,
			`{"error":{"code":"bad_request","field":"cursor","message":"cursor must be a cursor from a previous page"}}`},
		{"limit out of range", "GET", "/v1/feed?limit=101", "Bearer " + adaToken, 422,
			`{"error":{"code":"validation_failed","field":"limit","message":"must be 1..100"}}`},
		{"another limit", "GET", "/v1/feed?limit=5", "Bearer " + adaToken, 400,
			`{"error":{"code":"bad_request","field":"limit","message":"this peer serves only limit=20"}}`},
		{"a cursor", "GET", "/v1/feed?limit=20&cursor=9", "Bearer " + adaToken, 400,
			`{"error":{"code":"bad_request","field":"cursor","message":"this peer serves only the first page"}}`},
		{"health", "GET", "/healthz", "", 200, `{"status":"alive"}`},
		{"no route", "GET", "/v2/x", "", 404, `{"error":{"code":"not_found","message":"no route for /v2/x"}}`},
		{"wrong method", "POST", "/v1/feed", "", 405,
			`{"error":{"code":"method_not_allowed","message":"this resource does not support the method"}}`},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.target, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status || rec.Body.String() != c.body {
			t.Errorf("%s: got %d %s, want %d %s", c.name, rec.Code, rec.Body.String(), c.status, c.body)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type %q", c.name, got)
		}
	}
}

func TestDumpRejectsConflicts(t *testing.T) {
	other := strings.Replace(adaFeed, `"7"`, `"8"`, 1)
	bad := []string{
		"not-a-token 42 {}",
		adaToken + " 4x2 {}",
		adaToken + " 42 []",
		adaToken + " 42 " + adaFeed + "\n" + strings.Repeat("b", 43) + " 42 " + other,
		"",
	}
	for _, text := range bad {
		if _, err := readFeedDump(strings.NewReader(text), "test"); err == nil {
			t.Errorf("accepted %q", text)
		}
	}
}

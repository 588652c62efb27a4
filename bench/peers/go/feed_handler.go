package main

// The HTTP side: the routes, checks, status codes, error bodies and headers
// of Griddle's gateway (gateway/api/site_api.cpp, request_codec.cpp,
// api_error.cpp) for GET /healthz and GET /v1/feed, served from a feedDump.

import (
	"net/http"
	"strconv"
	"strings"
)

// Header values are shared, never modified: net/http only reads them.
var (
	jsonType   = []string{"application/json"}
	serverName = []string{"griddle-peer-go"}
	allowGet   = []string{"GET"}
	healthBody = []byte(`{"status":"alive"}`)
)

type feedHandler struct {
	dump *feedDump
}

func (h *feedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Griddle's order: route (404/405), the Authorization header's presence
	// and form (401), the page query (400/422), then the session (401).
	// Routes match the raw path, as Griddle's do: /v1/%66eed is no route.
	path := r.RequestURI
	if q := strings.IndexByte(path, '?'); q >= 0 {
		path = path[:q]
	}
	switch path {
	case "/healthz":
		if r.Method != http.MethodGet {
			methodNotAllowed(w)
			return
		}
		respond(w, http.StatusOK, healthBody)
	case "/v1/feed":
		if r.Method != http.MethodGet {
			methodNotAllowed(w)
			return
		}
		h.serveFeed(w, r)
	default:
		fail(w, http.StatusNotFound, "not_found", "no route for "+path, "")
	}
}

func (h *feedHandler) serveFeed(w http.ResponseWriter, r *http.Request) {
	header := r.Header.Get("Authorization")
	if header == "" {
		fail(w, http.StatusUnauthorized, "unauthenticated", "send Authorization: Bearer <token>", "")
		return
	}
	token, ok := bearerToken(header)
	if !ok {
		fail(w, http.StatusUnauthorized, "unauthenticated", "the bearer token is malformed", "")
		return
	}
	if !firstPageOf20(w, r.URL.RawQuery) {
		return
	}
	user, ok := h.dump.userByToken[token]
	if !ok {
		fail(w, http.StatusUnauthorized, "unauthenticated", "invalid or expired session", "")
		return
	}
	respond(w, http.StatusOK, h.dump.feedByUser[user])
}

// firstPageOf20 answers Griddle's 400 and 422 for a bad page query, and 400
// for a valid one the dump does not hold (a cursor, or a limit other than
// 20), and reports whether the request asks for the dumped page.
func firstPageOf20(w http.ResponseWriter, query string) bool {
	cursor, found, malformed := queryValue(query, "cursor")
	if malformed || found && cursor != "" && !isU64(cursor) {
		fail(w, http.StatusBadRequest, "bad_request", "cursor must be a cursor from a previous page",
			"cursor")
		return false
	}
	limit, found, malformed := queryValue(query, "limit")
	if malformed || found && !isU64(limit) {
		fail(w, http.StatusBadRequest, "bad_request", "limit must be a number", "limit")
		return false
	}
	n := uint64(20) // Griddle's default page
	if found {
		n, _ = strconv.ParseUint(limit, 10, 64)
		if n < 1 || n > 100 {
			fail(w, http.StatusUnprocessableEntity, "validation_failed", "must be 1..100", "limit")
			return false
		}
	}
	if cursor != "" {
		fail(w, http.StatusBadRequest, "bad_request", "this peer serves only the first page",
			"cursor")
		return false
	}
	if n != 20 {
		fail(w, http.StatusBadRequest, "bad_request", "this peer serves only limit=20", "limit")
		return false
	}
	return true
}

// bearerToken: the scheme case-insensitive, then a well-formed token.
func bearerToken(header string) (string, bool) {
	const scheme = "bearer "
	if len(header) <= len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return "", false
	}
	token := header[len(scheme):]
	return token, isToken(token)
}

// queryValue is Griddle's: the first `name=` pair counts, keys compare
// undecoded, values are percent-decoded with `+` as a space.
func queryValue(query, name string) (value string, found, malformed bool) {
	for rest := query; ; {
		pair := rest
		next := strings.IndexByte(rest, '&')
		if next >= 0 {
			pair = rest[:next]
		}
		key, raw := pair, ""
		if eq := strings.IndexByte(pair, '='); eq >= 0 {
			key, raw = pair[:eq], pair[eq+1:]
		}
		if key == name {
			decoded, ok := percentDecode(raw)
			return decoded, ok, !ok
		}
		if next < 0 {
			return "", false, false
		}
		rest = rest[next+1:]
	}
}

func percentDecode(in string) (string, bool) {
	if strings.IndexByte(in, '%') < 0 && strings.IndexByte(in, '+') < 0 {
		return in, true
	}
	var out strings.Builder
	for i := 0; i < len(in); i++ {
		switch in[i] {
		case '+':
			out.WriteByte(' ')
		case '%':
			if i+2 >= len(in) {
				return "", false
			}
			hi, lo := hexValue(in[i+1]), hexValue(in[i+2])
			if hi < 0 || lo < 0 {
				return "", false
			}
			out.WriteByte(byte(hi*16 + lo))
			i += 2
		default:
			out.WriteByte(in[i])
		}
	}
	return out.String(), true
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// isU64 is Griddle's parse_u64: 1 to 20 decimal digits that fit in 64 bits.
func isU64(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func methodNotAllowed(w http.ResponseWriter) {
	w.Header()["Allow"] = allowGet
	fail(w, http.StatusMethodNotAllowed, "method_not_allowed",
		"this resource does not support the method", "")
}

// fail writes Griddle's error body: keys in alphabetical order, `field`
// only when there is one. Messages here are fixed ASCII apart from the
// path, which is escaped like any JSON string.
func fail(w http.ResponseWriter, status int, code, message, field string) {
	body := `{"error":{"code":"` + code + `"`
	if field != "" {
		body += `,"field":"` + field + `"`
	}
	body += `,"message":` + jsonString(message) + `}}`
	respond(w, status, []byte(body))
}

func respond(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Server"] = serverName
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	h["Date"] = nil // Griddle sends none; nil keeps net/http from adding one
	w.WriteHeader(status)
	w.Write(body)
}

func jsonString(s string) string {
	var out strings.Builder
	out.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			out.WriteByte('\\')
			out.WriteByte(c)
		case c < 0x20:
			out.WriteString(`\u00`)
			out.WriteByte("0123456789abcdef"[c>>4])
			out.WriteByte("0123456789abcdef"[c&15])
		default:
			out.WriteByte(c)
		}
	}
	out.WriteByte('"')
	return out.String()
}

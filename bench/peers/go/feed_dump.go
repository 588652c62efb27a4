package main

// The dump that bench/peers/dump-feeds writes: one line per session,
// `<token> <user_id> <feed body>`, the body exactly as Griddle answered
// GET /v1/feed?limit=20 for that token.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// feedDump maps what a request carries to what the peer answers. It is
// read-only once loaded, so handlers share it without locks.
type feedDump struct {
	userByToken map[string]string // session token -> user id
	feedByUser  map[string][]byte // user id -> feed body, byte for byte
}

func loadFeedDump(path string) (*feedDump, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readFeedDump(f, path)
}

func readFeedDump(r io.Reader, name string) (*feedDump, error) {
	d := &feedDump{userByToken: map[string]string{}, feedByUser: map[string][]byte{}}
	in := bufio.NewReader(r)
	for lineNo := 1; ; lineNo++ {
		line, err := in.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, err
		}
		if text := strings.TrimSuffix(line, "\n"); text != "" {
			if perr := d.add(text); perr != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, lineNo, perr)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(d.userByToken) == 0 {
		return nil, fmt.Errorf("%s: no sessions", name)
	}
	return d, nil
}

func (d *feedDump) add(line string) error {
	fields := strings.SplitN(line, " ", 3)
	if len(fields) != 3 {
		return fmt.Errorf("want `<token> <user_id> <json>`")
	}
	token, user, body := fields[0], fields[1], fields[2]
	if !isToken(token) {
		return fmt.Errorf("not a session token: %q", token)
	}
	if _, err := strconv.ParseUint(user, 10, 64); err != nil {
		return fmt.Errorf("not a user id: %q", user)
	}
	if !strings.HasPrefix(body, "{") || !strings.HasSuffix(body, "}") {
		return fmt.Errorf("the feed body is not a JSON object")
	}
	if known, ok := d.userByToken[token]; ok && known != user {
		return fmt.Errorf("token listed for users %s and %s", known, user)
	}
	// Two sessions of one user must have seen the same feed, or the dump
	// was taken while the feed changed.
	if known, ok := d.feedByUser[user]; ok && string(known) != body {
		return fmt.Errorf("user %s has two different feed bodies", user)
	}
	d.userByToken[token] = user
	d.feedByUser[user] = []byte(body)
	return nil
}

// isToken is Griddle's form check: 43 characters of URL-safe base64.
func isToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' ||
			c == '_') {
			return false
		}
	}
	return true
}

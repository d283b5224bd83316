package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// response is what a handler answers; ServeHTTP writes it (or loses it on purpose).
type response struct {
	status int
	body   any // encoded as JSON; nil means no body
	header http.Header
	v2     bool // a v2 answer: Content-Type application/vnd.api+json
}

// faultError is the error answer of the face of the path: v1's {"error": msg}, or v2's
// envelope with the status text as title and msg as detail.
func faultError(path string, status int, msg string) response {
	if isV2Path(path) {
		return v2Error(status, "", msg)
	}
	return apiError(status, msg)
}

// apiError is a response with body {"error": msg}.
func apiError(status int, msg string) response {
	return response{status: status, body: map[string]string{"error": msg}}
}

// Notes of the audit log for requests that got no ordinary answer.
const (
	noteDropped  = "injected fault: connection dropped before handling"
	noteFailed   = "injected fault: 500 before handling"
	noteLimited  = "rate limited"
	noteCanceled = "client went away during injected latency"
	noteLost     = "injected fault: write done and saved, then connection closed without a response"
	noteNotSaved = "state file could not be written; change undone"
	noteBadBody  = "request body could not be read (too large?)"
	msgNotSaved  = "Sandbox could not save its state."
)

// draw is the fate of one request, decided on arrival.
type draw struct {
	delay            time.Duration
	drop, fail, lost bool
	limited          bool
	retryAfter       int // seconds, when limited
}

// drawFaults decides the faults of one request. Every request consumes the same number of
// random values, so a sequential run with the same seed meets the same faults.
func (s *Server) drawFaults() draw {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faults
	u1, u2, u3, u4 := s.rng.Float64(), s.rng.Float64(), s.rng.Float64(), s.rng.Float64()
	d := draw{
		delay: f.Latency + time.Duration(u1*float64(f.Jitter)),
		drop:  u2 < f.DropRate,
		fail:  u3 < f.FailRate,
		lost:  u4 < f.LostResponseRate,
	}
	if s.limiter != nil {
		now := s.now()
		if !s.limiter.AllowN(now, 1) {
			d.limited = true
			wait := (1 - s.limiter.TokensAt(now)) / float64(s.limiter.Limit())
			d.retryAfter = max(1, int(math.Ceil(wait)))
		}
	}
	return d
}

// isWrite reports whether the method may change the account; such requests are audited.
func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// ServeHTTP answers one API request. In order: the rate limit, the injected latency, a dropped
// connection, an injected 500, authentication, the endpoint, a lost response.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	write := isWrite(r.Method)
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
	d := s.drawFaults()

	if d.limited {
		resp := faultError(r.URL.Path, http.StatusTooManyRequests, "Too many requests.")
		resp.header = http.Header{"Retry-After": {strconv.Itoa(d.retryAfter)}}
		s.auditFault(r, body, write, resp.status, noteLimited)
		writeResponse(w, resp)
		return
	}
	if d.delay > 0 {
		t := time.NewTimer(d.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.auditFault(r, body, write, 0, noteCanceled)
			return
		}
	}
	if d.drop {
		s.auditFault(r, body, write, 0, noteDropped)
		closeConnection(w)
		return
	}
	if d.fail {
		resp := faultError(r.URL.Path, http.StatusInternalServerError, "Internal Server Error")
		s.auditFault(r, body, write, resp.status, noteFailed)
		writeResponse(w, resp)
		return
	}
	if readErr != nil {
		resp := faultError(r.URL.Path, http.StatusBadRequest, "Could not read the request body.")
		if mbe := (*http.MaxBytesError)(nil); errors.As(readErr, &mbe) {
			resp = faultError(r.URL.Path, http.StatusRequestEntityTooLarge, "Request body too large.")
		}
		s.auditFault(r, body, write, resp.status, noteBadBody)
		writeResponse(w, resp)
		return
	}

	lost := write && d.lost
	resp := s.handle(r, body, write, lost)
	if lost {
		closeConnection(w)
		return
	}
	writeResponse(w, resp)
}

// handle authenticates and dispatches r under the state lock. A write request is audited and
// the state saved before the lock is released; if saving fails, the change is undone and the
// answer is 500.
func (s *Server) handle(r *http.Request, body []byte, write, lost bool) response {
	v2 := isV2Path(r.URL.Path)
	var authed bool
	if v2 {
		authed = s.authenticateBasic(r)
	} else {
		authed = s.authenticate(r, body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var resp response
	var undo func()
	switch {
	case authed:
		s.settleCNAMs()
		resp, undo = s.route(r, body)
	case v2:
		resp = v2Error(http.StatusUnauthorized, "Unauthorized", detailAuth)
	default:
		resp = apiError(http.StatusUnauthorized, "Authentication failed.")
	}
	if !write {
		return resp
	}
	note := ""
	if lost {
		note = noteLost
	}
	s.st.audit = append(s.st.audit, s.auditEntry(r, body, resp.status, note))
	if err := s.saveLocked(); err != nil {
		if undo != nil {
			undo()
		}
		last := &s.st.audit[len(s.st.audit)-1]
		last.Status, last.Note = http.StatusInternalServerError, noteNotSaved
		return faultError(r.URL.Path, http.StatusInternalServerError, msgNotSaved)
	}
	return resp
}

// auditFault records a write request that a fault or a limit answered, and saves the log.
// A failure to save is not reported: the request is failing already, and the entry stays in
// memory for the next save.
func (s *Server) auditFault(r *http.Request, body []byte, write bool, status int, note string) {
	if !write {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.audit = append(s.st.audit, s.auditEntry(r, body, status, note))
	_ = s.saveLocked()
}

func (s *Server) auditEntry(r *http.Request, body []byte, status int, note string) AuditEntry {
	return AuditEntry{
		Time:   s.now().UTC(),
		Method: r.Method,
		Path:   r.URL.Path,
		Body:   string(body),
		Status: status,
		Note:   note,
	}
}

// bodyBuffers are the buffers writeResponse encodes into: a page of 200 v2 numbers is some
// 50 kB, which a new buffer reaches only after growing and copying many times.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer put back in bodyBuffers; a larger one (a big state
// dump) is left to the collector.
const maxPooledBuffer = 1 << 20

// writeResponse sends resp as JSON.
func writeResponse(w http.ResponseWriter, resp response) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	if resp.body == nil {
		w.WriteHeader(resp.status)
		return
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			bodyBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp.body); err != nil {
		http.Error(w, `{"error":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	if resp.v2 {
		w.Header().Set("Content-Type", mediaType)
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(resp.status)
	w.Write(buf.Bytes())
}

// closeConnection closes the client's connection without an answer. When the connection
// cannot be taken over (HTTP/2, a recorder), the handler aborts, which net/http turns into a
// reset stream or a closed connection.
func closeConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Running is a sandbox serving on a loopback listener, as Start returns it.
type Running struct {
	*Server
	// URL is the base of every face, "http://127.0.0.1:PORT"; V1 and V2 are the base URLs
	// a client of each API version is given.
	URL, V1, V2 string

	srv    *http.Server
	served chan error
}

// Start loads or seeds the sandbox as New does and serves it on addr, which must be a
// loopback address ("127.0.0.1:0" picks a free port): the sandbox's keys are public, so it
// must not be reachable from other machines. It is the one way the CLI starts a sandbox,
// for --sandbox and for sandbox serve.
func Start(opts Options, addr string) (*Running, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox on %s: %w", addr, err)
	}
	if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("starting the sandbox on %s: %s is not a loopback address, and the sandbox's keys are public", addr, ln.Addr())
	}
	base := "http://" + ln.Addr().String()
	r := &Running{
		Server: s, URL: base, V1: base + "/v1", V2: base + "/v2",
		srv:    &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		served: make(chan error, 1),
	}
	go func() {
		if err := r.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			r.served <- err
		}
	}()
	return r, nil
}

// Done yields the error that stopped the server on its own (never for Close or Shutdown).
func (r *Running) Done() <-chan error { return r.served }

// Shutdown stops accepting requests and waits, up to ctx, for those in flight; then it
// closes whatever is left.
func (r *Running) Shutdown(ctx context.Context) error {
	err := r.srv.Shutdown(ctx)
	if err != nil {
		r.srv.Close()
	}
	return err
}

// Close stops the server at once, dropping requests in flight.
func (r *Running) Close() error {
	err := r.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Command devserver runs an in-process Temporal server (the server's own
// temporaltest helper: SQLite in memory, frontend on a loopback port) for
// the spell-temporal tests and benchmarks. It is its own module so that the
// server, which is large and slow to compile, stays out of the main
// module's build and test graph: .ci/run builds it once and hands its path
// to the tests in SPELL_TEMPORAL_DEVSERVER.
//
// It prints one line, "ADDRESS NAMESPACE", once the server accepts
// connections, and stops the server when its standard input closes or it
// receives SIGINT/SIGTERM.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"
)

func main() {
	ts := temporaltest.NewServer(temporaltest.WithBaseClientOptions(client.Options{}))
	c := ts.GetDefaultClient()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		fmt.Fprintf(os.Stderr, "devserver: server not healthy: %v\n", err)
		os.Exit(1)
	}
	cancel()
	fmt.Printf("%s %s\n", ts.GetFrontendHostPort(), ts.GetDefaultNamespace())

	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
	stopped := make(chan struct{})
	go func() {
		defer func() { _ = recover() }() // Stop logs through a nil *testing.T on a shutdown error
		ts.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
	}
}

package netclass

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/spell-go/spell/spe/provider"
)

// Temporary DNS failures are retried, besides what
// provider.IsRetryableNetError retries; missing hosts and cancellation
// are not.
func TestIsRetryable(t *testing.T) {
	op := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	yes := []error{
		op,
		&net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true},
		fmt.Errorf("wrapped: %w", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}),
		errors.New("net/http: TLS handshake timeout"),
	}
	no := []error{
		context.Canceled,
		&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true},
		errors.New("boom"),
	}
	for _, e := range yes {
		if !IsRetryable(e) {
			t.Errorf("%v not retryable", e)
		}
	}
	for _, e := range no {
		if IsRetryable(e) {
			t.Errorf("%v retryable", e)
		}
	}
	if r, _ := provider.Classify(NetError("p", &net.DNSError{Err: "server misbehaving", IsTemporary: true})); !r {
		t.Error("NetError(temporary DNS) not retryable")
	}
	if r, _ := provider.Classify(NetError("p", context.Canceled)); r {
		t.Error("NetError(Canceled) retryable")
	}
}

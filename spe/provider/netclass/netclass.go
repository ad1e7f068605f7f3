// Package netclass classifies the transport failures of the HTTP model
// clients (runtime.md §8.7). It links package net, which package provider
// does not (issue 11, start-up: spell links no network package).
package netclass

import (
	"context"
	"errors"
	"net"

	"github.com/spell-go/spell/spe/provider"
)

// IsRetryable reports whether a transport-level error is one §8.7
// retries: provider.IsRetryableNetError's, and temporary DNS failures.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && (dns.IsTemporary || dns.IsTimeout) {
		return true
	}
	return provider.IsRetryableNetError(err)
}

// NetError maps a transport-level failure (no HTTP status) to
// *provider.Error.
func NetError(name string, err error) *provider.Error {
	return provider.NetError(name, err, IsRetryable)
}

//go:build unix

package cli

import (
	"os"
	"syscall"
)

// openSource opens a source file for reading as os.Open does (the same
// *os.PathError), without registering it with the runtime's network
// poller: os.Open tries to for every file, and the first attempt sets the
// poller up (epoll and eventfd, ~0.2 ms of a fresh spell lint or fmt:
// issue 11, start-up), while a regular file is never pollable. A FIFO or
// a device opened this way is read with blocking reads instead.
func openSource(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

//go:build unix && !linux

package secret

func harden() {}

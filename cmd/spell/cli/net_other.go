//go:build !unix

package cli

func runNet(path string, argv []string) (int, error) { return runEngineChild(path, argv) }

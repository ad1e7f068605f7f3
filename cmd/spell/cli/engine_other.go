//go:build !unix

package cli

func runEngine(path string, argv []string) (int, error) { return runEngineChild(path, argv) }

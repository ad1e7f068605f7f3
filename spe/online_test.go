package spe_test

import "github.com/spell-go/spell/spe/online"

// The runtime's tests run web/ and MCP as spell-net does (spe links
// neither: spe.RegisterNet). An external test package's init runs in the
// same test binary, so the package's own tests see them too.
func init() { online.Register() }

package agents

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind (runners,
// blocked tickets, tracked-request waiters).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

package provider

import (
	"net/http"
	"testing"
	"time"
)

// statusText and parseHTTPTime are net/http's, which the package does not
// link.
func TestStatusText(t *testing.T) {
	for code := 0; code < 1000; code++ {
		if got, want := statusText(code), http.StatusText(code); got != want {
			t.Errorf("statusText(%d) = %q, want %q", code, got, want)
		}
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, layout := range []string{http.TimeFormat, time.RFC850, time.ANSIC} {
		v := when.Format(layout)
		got, err := parseHTTPTime(v)
		want, werr := http.ParseTime(v)
		if err != nil || werr != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v %v", v, got, err, want, werr)
		}
	}
	if _, err := parseHTTPTime("soon"); err == nil {
		t.Error("soon parsed")
	}
}

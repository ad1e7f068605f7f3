package syntax

import "strconv"

func itoa(i int64) string       { return strconv.FormatInt(i, 10) }
func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

package cmdline

import "time"

// flag returns the flag name of c or of its nearest ancestor that has
// one, or nil.
func (c *Command) flag(name string) Flag {
	for x := c; x != nil; x = x.parent {
		if x.set != nil {
			if fl := x.set.Lookup(name); fl != nil {
				if f, ok := fl.Value.(Flag); ok {
					return f
				}
			}
			continue
		}
		for _, f := range x.Flags {
			for _, n := range f.Names() {
				if n == name {
					return f
				}
			}
		}
	}
	return nil
}

// Get is the value of c's flag name as a T (T's zero value when there is
// no such flag or it holds another type).
func Get[T Value](c *Command, name string) T {
	if f, ok := c.flag(name).(*Typed[T]); ok {
		return f.val
	}
	var zero T
	return zero
}

// IsSet reports whether flag name was given a value.
func (c *Command) IsSet(name string) bool {
	f := c.flag(name)
	return f != nil && f.IsSet()
}

// Value is the value of flag name, nil when there is no such flag.
func (c *Command) Value(name string) any {
	if f := c.flag(name); f != nil {
		return f.Get()
	}
	return nil
}

func (c *Command) String(name string) string          { return Get[string](c, name) }
func (c *Command) Bool(name string) bool              { return Get[bool](c, name) }
func (c *Command) Int(name string) int                { return Get[int](c, name) }
func (c *Command) Int64(name string) int64            { return Get[int64](c, name) }
func (c *Command) Float64(name string) float64        { return Get[float64](c, name) }
func (c *Command) Duration(name string) time.Duration { return Get[time.Duration](c, name) }

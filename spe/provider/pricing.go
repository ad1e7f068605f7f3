package provider

import (
	"fmt"
	"strings"
	"sync"

	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// Price is a model price in USD per million tokens (§8.9). A zero
// CacheRead / CacheWrite means "derive from Input" (0.10 × and 1.25 × by
// default); set HasCacheRead / HasCacheWrite for an explicit zero.
type Price struct {
	Input, Output               float64
	CacheRead, CacheWrite       float64
	HasCacheRead, HasCacheWrite bool
	// Unknown marks a prefix with no price (nil in pricing.edn): models it
	// matches are unpriced even when a shorter prefix has a price.
	Unknown bool
}

// Default cache ratios of §8.9.
const (
	DefaultCacheReadRatio  = 0.10
	DefaultCacheWriteRatio = 1.25
)

// Pricing is a price table keyed by model-id prefix (longest prefix wins).
type Pricing struct {
	Prices          map[string]Price
	CacheReadRatio  float64 // 0: DefaultCacheReadRatio
	CacheWriteRatio float64 // 0: DefaultCacheWriteRatio
	// Flat, when set (a model profile's single :costs price), prices every
	// model.
	Flat *Price
}

// defaultPricing parses the embedded table on first use. (sync.Once and a
// variable rather than sync.OnceValue, whose call at package level is
// work at every start of spell: issue 11, start-up.)
func defaultPricing() *Pricing {
	defaultPricesOnce.Do(func() {
		p := &Pricing{Prices: map[string]Price{}}
		src, err := data.ReadFile("data/pricing.edn")
		if err == nil {
			err = p.parse("pricing.edn (embedded)", src)
		}
		if err != nil {
			panic("provider: embedded pricing.edn: " + err.Error())
		}
		defaultPrices = p
	})
	return defaultPrices
}

var (
	defaultPricesOnce sync.Once
	defaultPrices     *Pricing
)

// DefaultPricing returns a copy of the embedded price table (the
// project's data, not an authoritative price list).
func DefaultPricing() *Pricing { return defaultPricing().Clone() }

// Clone returns an independent copy of p.
func (p *Pricing) Clone() *Pricing {
	c := *p
	c.Prices = make(map[string]Price, len(p.Prices))
	for k, v := range p.Prices {
		c.Prices[k] = v
	}
	return &c
}

// LoadPricing returns the embedded table merged by key with
// userDir/pricing.edn, then projectDir/pricing.edn ("" or missing files are
// skipped). Errors name file:line:col.
func LoadPricing(userDir, projectDir string) (*Pricing, error) {
	p := DefaultPricing()
	for _, dir := range []string{userDir, projectDir} {
		src, path, err := readConfig(dir, "pricing.edn")
		if err != nil {
			return nil, err
		}
		if src == nil {
			continue
		}
		if err := p.parse(path, src); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ParsePricing reads one pricing.edn text into a table of its own.
func ParsePricing(name string, src []byte) (*Pricing, error) {
	p := &Pricing{Prices: map[string]Price{}}
	if err := p.parse(name, src); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Pricing) parse(name string, src []byte) error {
	doc, err := config.Read(name, src)
	if err != nil {
		return err
	}
	d := decoder{doc}
	m, err := d.topMap(doc.Root, "pricing.edn")
	if err != nil {
		return err
	}
	table, err := d.priceTable(m)
	for k, v := range table {
		p.Prices[k] = v
	}
	return err
}

// priceTable decodes {"prefix" price …}.
func (d decoder) priceTable(m *value.Map) (map[string]Price, error) {
	out := map[string]Price{}
	err := d.each(m, func(k, v value.Value, kat, vat string) error {
		pfx, ok := k.(string)
		if !ok {
			return fmt.Errorf("%s: price key must be a model-id prefix string, got %s", kat, value.PrStr(k))
		}
		if v == nil {
			out[pfx] = Price{Unknown: true}
			return nil
		}
		pr, err := d.price(v, vat)
		out[pfx] = pr
		return err
	})
	return out, err
}

// price decodes [input output] or {:input :output :cache-read :cache-write}.
func (d decoder) price(v value.Value, at string) (Price, error) {
	var pr Price
	switch x := v.(type) {
	case *value.Vector:
		items := x.Slice()
		if len(items) == 2 {
			in, ok1 := number(items[0])
			out, ok2 := number(items[1])
			if ok1 && ok2 && in >= 0 && out >= 0 {
				return Price{Input: in, Output: out}, nil
			}
		}
		return pr, fmt.Errorf("%s: price must be [input output] (USD per million tokens, non-negative)", at)
	case *value.Map:
		seen := map[string]bool{}
		err := d.fields(x, "price", []string{"input", "output", "cache-read", "cache-write"}, func(key string, v value.Value, at string) error {
			f, ok := number(v)
			if !ok || f < 0 {
				return fmt.Errorf("%s: :%s must be a non-negative number (USD per million tokens)", at, key)
			}
			seen[key] = true
			switch key {
			case "input":
				pr.Input = f
			case "output":
				pr.Output = f
			case "cache-read":
				pr.CacheRead, pr.HasCacheRead = f, true
			case "cache-write":
				pr.CacheWrite, pr.HasCacheWrite = f, true
			}
			return nil
		})
		if err == nil && (!seen["input"] || !seen["output"]) {
			err = fmt.Errorf("%s: price needs :input and :output", d.Pos(x))
		}
		return pr, err
	}
	return pr, fmt.Errorf("%s: price must be [input output] or {:input :output :cache-read :cache-write}", at)
}

// costs decodes a model profile's :costs: a prefix table, or one price.
func (d decoder) costs(v value.Value, at string) (map[string]Price, *Price, error) {
	if m, ok := v.(*value.Map); ok && m.Count() > 0 {
		if _, str := m.Keys()[0].(string); str {
			t, err := d.priceTable(m)
			return t, nil, err
		}
	}
	pr, err := d.price(v, at)
	if err != nil {
		return nil, nil, err
	}
	return nil, &pr, nil
}

// WithProfile returns p merged with a model profile's :costs and cache
// ratios (§8.9).
func (p *Pricing) WithProfile(mp ModelProfile) *Pricing {
	c := p.Clone()
	for k, v := range mp.Costs {
		c.Prices[k] = v
	}
	if mp.Cost != nil {
		f := *mp.Cost
		c.Flat = &f
	}
	if mp.CacheReadRatio > 0 {
		c.CacheReadRatio = mp.CacheReadRatio
	}
	if mp.CacheWriteRatio > 0 {
		c.CacheWriteRatio = mp.CacheWriteRatio
	}
	return c
}

// Lookup returns the price of a model: the longest matching prefix; when
// none matches and the id has a path (`accounts/fireworks/models/kimi-k3`,
// `vendor/model`), the last path segment is tried.
func (p *Pricing) Lookup(model string) (Price, bool) {
	if p.Flat != nil {
		return *p.Flat, true
	}
	pr, ok := longest(p.Prices, model, nil)
	if !ok {
		if i := strings.LastIndexByte(model, '/'); i >= 0 && i+1 < len(model) {
			pr, ok = longest(p.Prices, model[i+1:], nil)
		}
	}
	if !ok || pr.Unknown {
		return Price{}, false
	}
	return pr, true
}

// Cost returns the USD cost of one call's usage, and whether the model has
// a price. Cache reads and writes without an explicit price cost the
// input price times the cache ratios; reasoning tokens cost the output
// price.
func (p *Pricing) Cost(model string, u Usage) (usd float64, priced bool) {
	pr, ok := p.Lookup(model)
	if !ok {
		return 0, false
	}
	rr, wr := p.CacheReadRatio, p.CacheWriteRatio
	if rr <= 0 {
		rr = DefaultCacheReadRatio
	}
	if wr <= 0 {
		wr = DefaultCacheWriteRatio
	}
	read, write := pr.CacheRead, pr.CacheWrite
	if !pr.HasCacheRead {
		read = pr.Input * rr
	}
	if !pr.HasCacheWrite {
		write = pr.Input * wr
	}
	total := float64(u.UncachedInput)*pr.Input +
		float64(u.CachedInput)*read +
		float64(u.CacheWriteInput)*write +
		float64(u.VisibleOutput+u.ReasoningOutput)*pr.Output
	return total / 1e6, true
}

// Cost prices usage with the embedded table (see Pricing.Cost).
func Cost(model string, u Usage) (usd float64, priced bool) {
	return defaultPricing().Cost(model, u)
}

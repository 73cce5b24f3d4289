package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/stdlib"
)

// importCache keeps parsed imports between checks: a keystroke re-checks
// the edited file, and parsing std/plasticity again each time is most of a
// re-check's cost. std/ modules are embedded and never change; a file is
// parsed again when its size or modification time changes. The checker
// does not modify the trees it is given, so one tree serves every check.
// A file open in the editor is read from its buffer (overlay), unsaved
// edits included, and not kept.
type importCache struct {
	mu      sync.Mutex
	m       map[importKey]*imported
	overlay func(name string) ([]byte, bool) // an open document's text by path
}

type importKey struct{ dir, path string } // importing directory ("" for std/) and import string

type imported struct {
	f     *lang.File
	src   []byte
	diags lang.Diagnostics
	mod   time.Time
	size  int64
}

// load is a lang.Loader: snnc.LoadOverlay, cached.
func (c *importCache) load(from, path string) (*lang.File, []byte, lang.Diagnostics, error) {
	key := importKey{"", path}
	std := strings.HasPrefix(path, stdlib.Prefix)
	if !std {
		key.dir = filepath.Dir(from)
	}
	c.mu.Lock()
	e := c.m[key]
	c.mu.Unlock()
	if e != nil && (std || !c.isOpen(e.f.Name) && e.fresh()) {
		return e.f, e.src, e.diags, nil
	}
	opened := false
	f, src, diags, err := snnc.LoadOverlay(from, path, func(name string) ([]byte, bool) {
		b, ok := c.open(name)
		opened = ok
		return b, ok
	})
	if err != nil || opened {
		return f, src, diags, err
	}
	e = &imported{f: f, src: src, diags: diags}
	if !std {
		fi, err := os.Stat(f.Name)
		if err != nil {
			return f, src, diags, nil // not kept: cannot tell when it changes
		}
		e.mod, e.size = fi.ModTime(), fi.Size()
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[importKey]*imported{}
	}
	c.m[key] = e
	c.mu.Unlock()
	return f, src, diags, nil
}

func (c *importCache) open(name string) ([]byte, bool) {
	if c.overlay == nil {
		return nil, false
	}
	return c.overlay(name)
}

func (c *importCache) isOpen(name string) bool {
	_, ok := c.open(name)
	return ok
}

func (e *imported) fresh() bool {
	fi, err := os.Stat(e.f.Name)
	return err == nil && fi.ModTime().Equal(e.mod) && fi.Size() == e.size
}

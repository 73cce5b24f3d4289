package snnc

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
)

// MaxSourceSize bounds a model or imported file. A .snn file is text written
// by hand; an import of /dev/zero or of a multi-gigabyte log by mistake must
// fail at once instead of filling memory.
const MaxSourceSize = 16 << 20

// ReadSource reads a model file: a regular file of at most MaxSourceSize
// bytes. It opens without blocking and checks the opened file, so a FIFO or
// a device is refused instead of waited on or read forever.
func ReadSource(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fileKind(fi.Mode()))
	}
	tooBig := fmt.Errorf("larger than %d MiB, the limit for a model file", MaxSourceSize>>20)
	if fi.Size() > MaxSourceSize {
		return nil, tooBig
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSourceSize+1)) // it may grow while read
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if len(b) > MaxSourceSize {
		return nil, tooBig
	}
	return b, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// ParseFile parses src as the file name. A file that does not parse and
// is not a model by its looks (its name does not end in .snn, or it is not
// text: invalid UTF-8 or a NUL byte) is taken for what it is: the error
// (non-nil, with the diagnostics dropped) gives only the position of the
// first syntax error and never a line or token of the file, which may be
// anything from a binary to /etc/shadow.
func ParseFile(name string, src []byte) (*lang.File, lang.Diagnostics, error) {
	f, d := parser.Parse(name, src)
	if !d.HasErrors() {
		return f, d, nil
	}
	why := ""
	switch {
	case !isText(src):
		why = "it is not text"
	case !strings.HasSuffix(name, ".snn"):
		why = "its name does not end in .snn"
	default:
		return f, d, nil
	}
	d.Sort()
	p := lang.Pos{File: name}
	for _, x := range d {
		if x.Severity == lang.Error {
			p = x.Pos
			break
		}
	}
	return nil, nil, &ForeignFileError{Pos: p, Why: why}
}

// ForeignFileError is a file that does not parse and is not a model by its
// looks (see ParseFile).
type ForeignFileError struct {
	Pos lang.Pos
	Why string // why its contents are not shown
}

func (e *ForeignFileError) Error() string {
	return fmt.Sprintf("%s is not a .snn model: syntax error at line %d, column %d (its contents are not shown: %s)", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Why)
}

// fileID names the file at path by its absolute path with symlinks resolved,
// so that one file imported by two paths (a symlink, ../dir/x.snn, an
// absolute path) is loaded once; "" if path cannot be resolved.
func fileID(path string) string {
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		return ""
	}
	if p, err = filepath.Abs(p); err != nil {
		return ""
	}
	return p
}

// CheckDataFiles reports the data files of prog (spike and dataset CSVs,
// connection lists) that do not exist, at check time rather than after the
// network is built. Relative names are read from dir, as the backends read
// them from their BaseDir.
func CheckDataFiles(prog *lang.Program, dir string) lang.Diagnostics {
	var d lang.Diagnostics
	for _, lit := range prog.DataFiles {
		name := lit.Value
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		fi, err := os.Stat(name)
		switch {
		case err != nil:
			d.Errorf(lit.Pos, lit.End, "cannot read %s: %v", name, unwrapPathError(err)).Hint =
				"a relative file name is read from the model's directory"
		case fi.IsDir():
			d.Errorf(lit.Pos, lit.End, "%s is a directory, not a data file", name)
		}
	}
	return d
}

// isText: src is UTF-8 without NUL bytes, as a .snn file must be.
func isText(src []byte) bool { return utf8.Valid(src) && bytes.IndexByte(src, 0) < 0 }

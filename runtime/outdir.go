package rt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Out is one run's claim on its output directory. OpenOut locks the
// directory (a second run into it is refused) and makes a temporary
// directory beside it, on the same file system; the run writes there, and
// Commit moves the files into place with renames, summary.json last. A
// process killed at any point thus leaves the previous outputs whole (or
// no directory), never a half-written file under Dir; a directory without
// summary.json is not a finished write.
type Out struct {
	Dir  string // where the outputs end up
	Temp string // where they are written first
	// Inputs are files the run must never replace (the model's inputs,
	// should the output directory hold one under an output's name).
	Inputs []string
	abs    string // Dir made absolute: its siblings are named after it
	inside bool   // lock and temporary directory in Dir, not beside it
	lock   *lockFile
	mu     sync.Mutex // Close may come from a signal handler (see Signals)
}

// The names beside Dir: .NAME.snnc-lock (the lock, while a run holds it)
// and .NAME.snnc-tmp-* (the run's temporary directory); in Dir itself,
// .snnc-lock and .snnc-tmp-*, when Dir exists but its parent may not be
// written.
func (o *Out) sibling(kind string) string {
	if o.inside {
		return filepath.Join(o.abs, ".snnc-"+kind)
	}
	return filepath.Join(filepath.Dir(o.abs), "."+filepath.Base(o.abs)+".snnc-"+kind)
}

// OpenOut locks dir and creates the temporary directory the run writes
// into. It is called before the simulation, so that an output directory
// that cannot be written (or is in use) is reported before any time is
// spent simulating.
func OpenOut(dir string) (*Out, error) {
	dir = filepath.Clean(dir)
	fi, err := os.Stat(dir)
	if err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("output directory %s exists and is not a directory", dir)
	}
	exists := err == nil
	abs, err := filepath.Abs(dir) // "." has a name in its parent
	if err != nil {
		return nil, err
	}
	o := &Out{Dir: dir, abs: abs}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s cannot be written: %w", dir, unwrapPath(err))
	}
	lk, err := acquireLock(o.sibling("lock"))
	if err != nil && exists && (errors.Is(err, fs.ErrPermission) || isEROFS(err)) {
		o.inside = true // the parent is not ours: keep everything in Dir
		lk, err = acquireLock(o.sibling("lock"))
	}
	if err != nil {
		var busy *busyError
		if errors.As(err, &busy) {
			who := "another run"
			if busy.pid > 0 {
				who = fmt.Sprintf("another run (pid %d)", busy.pid)
			}
			return nil, fmt.Errorf("output directory %s is in use by %s; wait for it to finish or choose another output directory", dir, who)
		}
		return nil, fmt.Errorf("output directory %s cannot be written: %w", dir, unwrapPath(err))
	}
	o.lock = lk
	o.removeStale()
	tmp, err := os.MkdirTemp(filepath.Dir(o.sibling("tmp-")), filepath.Base(o.sibling("tmp-")))
	if err == nil {
		err = os.Chmod(tmp, 0o755) // MkdirTemp makes it 0700; the outputs are the user's as before
	}
	if err != nil {
		lk.release()
		return nil, fmt.Errorf("output directory %s cannot be written: %w", dir, unwrapPath(err))
	}
	o.Temp = tmp
	return o, nil
}

// removeStale deletes temporary directories of earlier runs into Dir that
// were killed before they could commit (with the lock held, no live run
// owns one).
func (o *Out) removeStale() {
	prefix := filepath.Base(o.sibling("tmp-"))
	parent := filepath.Dir(o.sibling("tmp-"))
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

// Commit moves the written files into Dir: a new directory is one rename;
// into an existing one, its summary.json is removed first and the new one
// renamed in last, so that a directory with a summary.json always holds a
// whole run. Files of Dir that this run did not write stay.
func (o *Out) Commit() error {
	if err := syncDir(o.Temp); err != nil {
		return err
	}
	if _, err := os.Lstat(o.Dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(o.Temp, o.Dir); err != nil {
			return err
		}
		o.Temp = ""
		return syncDir(filepath.Dir(o.abs))
	}
	entries, err := os.ReadDir(o.Temp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if in := o.inputAt(filepath.Join(o.Dir, e.Name())); in != "" {
			return o.setAside(fmt.Sprintf("%s would replace %s, an input of the model", e.Name(), in))
		}
	}
	if err := os.Remove(filepath.Join(o.Dir, "summary.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	last := false
	for _, e := range entries {
		if e.Name() == "summary.json" {
			last = true
			continue
		}
		if err := os.Rename(filepath.Join(o.Temp, e.Name()), filepath.Join(o.Dir, e.Name())); err != nil {
			return err
		}
	}
	if last {
		if err := os.Rename(filepath.Join(o.Temp, "summary.json"), filepath.Join(o.Dir, "summary.json")); err != nil {
			return err
		}
	}
	return syncDir(o.Dir)
}

// inputAt returns the input that path is (the same file), or "".
func (o *Out) inputAt(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	for _, in := range o.Inputs {
		if ii, err := os.Stat(in); err == nil && os.SameFile(fi, ii) {
			return in
		}
	}
	return ""
}

// setAside keeps this run's outputs, which could not be committed, under
// a name of their own (Close and later runs leave it alone) and returns
// an error saying why and where they are.
func (o *Out) setAside(why string) error {
	kept := fmt.Sprintf("%s.unsaved-%d", o.abs, os.Getpid())
	if os.Rename(o.Temp, kept) != nil {
		kept = o.Temp
	}
	o.Temp = ""
	return fmt.Errorf("%s: nothing was written to %s; this run's outputs are in %s", why, o.Dir, kept)
}

// Close removes what was not committed and releases the lock.
func (o *Out) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.Temp != "" {
		os.RemoveAll(o.Temp)
		o.Temp = ""
	}
	if o.lock != nil {
		o.lock.release()
		o.lock = nil
	}
}

// WriteRun writes the run's outputs (see the package-level WriteRun) into
// the temporary directory and commits them; the files are listed as
// WriteRun lists them.
func (o *Out) WriteRun(spikes []*SpikeMonitor, states []*StateMonitor, weights []*WeightMonitor, plot bool, sum *Summary) ([]string, error) {
	files, err := WriteRun(o.Temp, spikes, states, weights, plot, sum)
	if err != nil {
		return nil, err
	}
	return files, o.Commit()
}

// MarkStopped records in the summary that the run did not reach its end:
// stopped by a signal (interrupted) or by an error.
func (s *Summary) MarkStopped(interrupted bool, err error) {
	s.Interrupted = interrupted
	s.Partial = interrupted || err != nil
	if err != nil {
		s.Error = err.Error()
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !isEINVAL(err) {
		return err
	}
	return nil
}

// unwrapPath drops the *PathError wrapping when its path is a temporary
// name the user never chose, keeping the reason (permission denied, ...).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Path, ".snnc-") {
		return pe.Err
	}
	return err
}

package rt

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// Signals is how a run (snnc run and built executables alike) treats
// SIGINT and SIGTERM. While the network is being built there is nothing
// to keep, so a signal ends the process at once: abort runs (to clean up
// and say so) and the process exits with status 1. Once Running has been
// called, the first signal closes Done: the run stops at the next step and
// writes what it simulated, marked interrupted. A second signal has the
// default effect (the process ends), for a user who will not wait for the
// write; the outputs stay whole (see Out).
type Signals struct {
	done    chan struct{}
	quit    chan struct{} // closed by Stop: the goroutine ends
	ch      chan os.Signal
	running atomic.Bool
	once    sync.Once
	mu      sync.Mutex // held while the output directory is opened
	out     *Out       // closed (its temporary directory removed) on an abort
	// Got is the first signal received (nil before).
	got atomic.Value
}

// CatchSignals starts catching SIGINT and SIGTERM. A signal before Running
// ends the process with status 1, after closing the Out opened by OpenOut
// and writing "PROG: error: SIGNAL while building the network..." to stderr.
func CatchSignals(prog string, stderr io.Writer) *Signals {
	s := &Signals{done: make(chan struct{}), quit: make(chan struct{}), ch: make(chan os.Signal, 1)}
	signal.Notify(s.ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		var sig os.Signal
		select {
		case sig = <-s.ch:
		case <-s.quit:
			return
		}
		s.got.Store(sig)
		s.Stop() // a second signal: the default action
		if !s.running.Load() {
			s.mu.Lock() // an OpenOut under way finishes first, so its directory is removed
			if s.out != nil {
				s.out.Close()
			}
			fmt.Fprintf(stderr, "%s: error: %s while building the network: stopped before simulating; nothing written\n", prog, SignalName(sig))
			os.Exit(1)
		}
		close(s.done)
	}()
	return s
}

// OpenOut opens the run's output directory (see the function OpenOut) so
// that a signal arriving meanwhile removes what it made.
func (s *Signals) OpenOut(dir string) (*Out, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := OpenOut(dir)
	if err == nil {
		s.out = o
	}
	return o, err
}

// Running marks the end of the network's construction: from now on a
// signal stops the run instead of the process.
func (s *Signals) Running() { s.running.Store(true) }

// Done is closed at the first signal after Running.
func (s *Signals) Done() <-chan struct{} { return s.done }

// Name is the first signal's name ("SIGTERM"), or "" before any.
func (s *Signals) Name() string {
	if sig, ok := s.got.Load().(os.Signal); ok {
		return SignalName(sig)
	}
	return ""
}

// Stop stops catching: signals have their default effect again.
func (s *Signals) Stop() {
	s.once.Do(func() {
		signal.Stop(s.ch)
		close(s.quit)
	})
}

// SignalName is "SIGINT" or "SIGTERM" for the signals CatchSignals catches.
func SignalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	if sig == os.Interrupt {
		return "SIGINT"
	}
	return sig.String()
}

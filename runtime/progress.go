package runtime

import (
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// Progress reports simulation progress in steps.
type Progress interface {
	Update(step int)
	Done()
}

// NewProgress returns a progress bar over total steps on w when enabled
// (the caller decides: a terminal and a run expected to take over a
// second), otherwise a no-op. Update is cheap: the bar is redrawn at most
// once per 1/500 of the run and throttled to 10 redraws a second.
func NewProgress(total int, w io.Writer, enabled bool) Progress {
	if !enabled || total <= 0 || w == nil {
		return noProgress{}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("simulating"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetItsString("steps"),
	)
	return &barProgress{bar: bar, every: max(1, total/500), total: total}
}

// IsTerminal reports whether w is a terminal (for NewProgress's enabled).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

type noProgress struct{}

func (noProgress) Update(int) {}
func (noProgress) Done()      {}

type barProgress struct {
	bar   *progressbar.ProgressBar
	every int
	last  int
	total int
	done  bool
}

func (p *barProgress) Update(step int) {
	if step-p.last < p.every && step < p.total {
		return
	}
	p.last = step
	p.bar.Set(step)
}

func (p *barProgress) Done() {
	if p.done {
		return
	}
	p.done = true
	p.bar.Finish()
}

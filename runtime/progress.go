package rt

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
// (the caller decides: a terminal), otherwise a no-op; the bar shows only
// once the run has taken a second. Update is cheap: the bar is redrawn at most
// once per 1/500 of the run and throttled to 10 redraws a second.
func NewProgress(total int, w io.Writer, enabled bool) Progress {
	if !enabled || total <= 0 || w == nil {
		return noProgress{}
	}
	return &barProgress{w: w, every: max(1, total/500), total: total, start: time.Now()}
}

// barDelay is how long a run goes before its bar appears.
var barDelay = time.Second

// newBar draws the bar; it appears only once a run has taken a second, so
// short runs stay quiet even on a terminal.
func newBar(total int, w io.Writer) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
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
	w     io.Writer
	start time.Time
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
	if p.bar == nil {
		if time.Since(p.start) < barDelay {
			return
		}
		p.bar = newBar(p.total, p.w)
	}
	p.bar.Set(step)
}

func (p *barProgress) Done() {
	if p.done {
		return
	}
	p.done = true
	if p.bar != nil {
		p.bar.Finish()
	}
}

package rt

import (
	"fmt"
	goruntime "runtime"
	"strconv"
)

// ThreadsFlag is the --threads flag of snnc run and of built binaries (a
// flag.Value and a pflag.Value): a thread count of at least 1, so that 0 or
// -1 is refused while the command line is read.
type ThreadsFlag struct{ N *int }

func (f ThreadsFlag) String() string {
	if f.N == nil {
		return "1"
	}
	return strconv.Itoa(*f.N)
}

func (f ThreadsFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return fmt.Errorf("want a whole number of threads, at least 1")
	}
	*f.N = n
	return nil
}

func (ThreadsFlag) Type() string { return "int" }

// UsableThreads clamps a thread count to the cores this process may use
// (GOMAXPROCS, which follows the CPU affinity and the cgroup's CPU quota):
// more threads than cores only wait for each other. The spikes do not
// depend on the count. It returns a warning when it clamped.
func UsableThreads(n int) (int, string) {
	cores := min(goruntime.GOMAXPROCS(0), goruntime.NumCPU())
	if n <= cores {
		return n, ""
	}
	return cores, fmt.Sprintf("--threads %d is more than the %d cores this process may use; using %d", n, cores, cores)
}

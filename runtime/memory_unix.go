//go:build unix

package rt

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// addressSpaceLeft is RLIMIT_AS (ulimit -v) less the address space mapped
// now (/proc/self/statm), if there is such a limit.
func addressSpaceLeft() (int64, bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &r); err != nil || r.Cur >= 1<<62 { // RLIM_INFINITY is all ones
		return 0, false
	}
	mapped := int64(0)
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			if pages, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				mapped = pages * int64(os.Getpagesize())
			}
		}
	}
	return int64(r.Cur) - mapped, true
}

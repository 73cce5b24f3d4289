//go:build mpi

package mpi

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestMPICollectives runs itself under mpirun with 3 ranks, each checking
// what the collectives return.
func TestMPICollectives(t *testing.T) {
	if Launched() == 0 {
		out, err := exec.Command("mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "3", os.Args[0], "-test.run=^TestMPICollectives$", "-test.v").CombinedOutput()
		if err != nil {
			t.Fatalf("mpirun: %v\n%s", err, out)
		}
		if n := strings.Count(string(out), "--- PASS: TestMPICollectives"); n != 3 {
			t.Fatalf("%d of 3 ranks passed:\n%s", n, out)
		}
		return
	}
	if err := Init(); err != nil {
		t.Fatal(err)
	}
	defer Finalize()
	r, n := Rank(), Size()
	if n != 3 {
		t.Fatalf("size %d, want 3", n)
	}
	// rank r sends r copies of r
	send := slices.Repeat([]int32{int32(r)}, r)
	got, counts, err := Allgatherv(send, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int32{1, 2, 2}) || !slices.Equal(counts, []int{0, 1, 2}) {
		t.Errorf("rank %d: Allgatherv = %v %v", r, got, counts)
	}
	// World carries the same, in fixed blocks while the data fits and
	// beyond them (rank 2 sends 200, then 1000 values), repeatedly
	w := World()
	for _, big := range []int{0, 200, 5, 1000, 3} {
		send := []int32{int32(10 * r)}
		if r == 2 {
			send = make([]int32, big)
			for k := range send {
				send[k] = int32(k)
			}
		}
		got, counts = w.Allgather(send, got, counts)
		want := []int32{0, 10}
		for k := range big {
			want = append(want, int32(k))
		}
		if !slices.Equal(got, want) || !slices.Equal(counts, []int{1, 1, big}) {
			t.Errorf("rank %d: World().Allgather with %d = %d values %v", r, big, len(got), counts)
		}
	}
	// Alltoallv: rank r sends (r, d) to each rank d
	var a2a []int32
	for d := range n {
		a2a = append(a2a, int32(r), int32(d))
	}
	got, counts, err = Alltoallv(a2a, []int{2, 2, 2}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{0, int32(r), 1, int32(r), 2, int32(r)}
	if !slices.Equal(got, want) || !slices.Equal(counts, []int{2, 2, 2}) {
		t.Errorf("rank %d: Alltoallv = %v %v, want %v", r, got, counts, want)
	}
	if m, err := AllreduceMax(int32(r * 7)); err != nil || m != 14 {
		t.Errorf("rank %d: AllreduceMax = %d %v", r, m, err)
	}
	x := []float64{float64(r), 0.5}
	if err := AllreduceSum(x); err != nil || x[0] != 3 || x[1] != 1.5 {
		t.Errorf("rank %d: AllreduceSum = %v %v", r, x, err)
	}
	if err := Barrier(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAllgatherv is the spike exchange of one step: each rank sends
// n int32 (a flag, one count per population, the spikes), every rank
// receives everyone's; World's one fixed-block Allgather against
// Allgatherv's two collectives (lengths, then data). Run under mpirun
// (BENCHMARKS.md):
//
//	go test -tags mpi -c -o /tmp/mpi.test ./runtime/mpi
//	mpirun --allow-run-as-root -np 2 /tmp/mpi.test -test.run '^$' -test.bench Allgatherv -test.benchtime 20000x
//
// (a fixed count: every rank must make the same calls, and -test.benchtime
// in seconds lets each rank choose its own)
func BenchmarkAllgatherv(b *testing.B) {
	if Launched() == 0 {
		b.Skip("run under mpirun (see the comment)")
	}
	if Size() == 1 && Launched() > 1 {
		if err := Init(); err != nil {
			b.Fatal(err)
		}
	}
	// Finalize is left to the process exit: b.Run calls this function again
	w := World()
	for _, n := range []int{4, 64, 1024} {
		send := make([]int32, n)
		var recv []int32
		var counts []int
		b.Run(fmt.Sprintf("World/ranks=%d/int32=%d", Size(), n), func(b *testing.B) {
			for b.Loop() {
				recv, counts = w.Allgather(send, recv, counts)
			}
		})
		b.Run(fmt.Sprintf("Allgatherv/ranks=%d/int32=%d", Size(), n), func(b *testing.B) {
			for b.Loop() {
				recv, counts, _ = Allgatherv(send, recv, counts)
			}
		})
	}
}

package rt

import (
	"slices"
	"testing"

	"github.com/snnc/snnc/internal/outname"
)

// The checker predicts a run's file names with package outname to refuse
// records whose files collide; this holds only if the writers name files
// exactly so.
func TestWrittenFilesAreOutnameFiles(t *testing.T) {
	dir := t.TempDir()
	spikes := []*SpikeMonitor{{Name: "E\u00b5", N: 2, I: []int32{1}, T: []float64{0.001}}}
	states := []*StateMonitor{{Name: "P", Var: "dend.v", Unit: "mV", Index: []int{0, 1}, T: []float64{0}, V: [][]float64{{1, 2}}}}
	weights := []*WeightMonitor{{Name: "syn", Var: "w", Index: []int{0}, Pre: []int32{0}, Post: []int32{1}, T: []float64{0}, V: [][]float64{{0.5}}}}
	got, err := WriteRun(dir, spikes, states, weights, false, &Summary{})
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(outname.SpikeFiles("E\u00b5"), outname.StateFiles("P", "dend.v")...), outname.WeightFiles("syn", "w")...)
	want = append(want, "summary.json")
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("WriteRun wrote %v\noutname predicts %v", got, want)
	}
}

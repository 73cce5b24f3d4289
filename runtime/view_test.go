package rt

import (
	"reflect"
	"testing"
)

// TestEmbed: a view's rows land at its neurons, shifted targets, empty rows
// elsewhere, synapse order kept.
func TestEmbed(t *testing.T) {
	c := &CSR{NPre: 2, NPost: 3, RowPtr: []int64{0, 2, 3}, Col: []int32{0, 2, 1}, W: []float64{1, 2, 3}}
	e := Embed(c, 1, 4, 5, 8)
	want := &CSR{NPre: 4, NPost: 8, RowPtr: []int64{0, 0, 2, 3, 3}, Col: []int32{5, 7, 6}, W: []float64{1, 2, 3}}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %+v, want %+v", e, want)
	}
}

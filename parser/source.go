package parser

import "bytes"

// bom is the UTF-8 byte order mark some Windows editors write first.
var bom = []byte{0xEF, 0xBB, 0xBF}

// Normalize returns src as the lexer reads it: a leading UTF-8 byte order
// mark dropped (editors do not show it, so columns count from after it) and
// old Mac line ends (a CR not followed by LF) made LF, so that a CR-only file
// is not one long line. CRLF is left alone: the lexer skips CR as space.
// Byte offsets after the mark are unchanged, so positions stay right; src
// itself is returned when there is nothing to change.
func Normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, bom)
	lone := func(b []byte, i int) bool { return b[i] == '\r' && (i+1 == len(b) || b[i+1] != '\n') }
	i := 0
	for i < len(src) && !lone(src, i) {
		i++
	}
	if i == len(src) {
		return src
	}
	out := bytes.Clone(src)
	for ; i < len(out); i++ {
		if lone(out, i) {
			out[i] = '\n'
		}
	}
	return out
}

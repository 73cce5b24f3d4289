//go:build hdf5

package nir

/*
#cgo pkg-config: hdf5
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>

// The HDF5 type and flag names are macros that call into the library;
// cgo cannot use them directly.
static hid_t nir_native_double(void) { return H5T_NATIVE_DOUBLE; }
static hid_t nir_file_type(int kind) {
	switch (kind) {
	case 0: return H5T_IEEE_F32LE;
	case 1: return H5T_IEEE_F64LE;
	default: return H5T_STD_I64LE;
	}
}
static hid_t nir_open(const char *path) {
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL); // errors come back as values, not printed
	return H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
}
static hid_t nir_create(const char *path) {
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	return H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
}
static hid_t nir_vlen_str(void) {
	hid_t t = H5Tcopy(H5T_C_S1);
	H5Tset_size(t, H5T_VARIABLE);
	H5Tset_cset(t, H5T_CSET_UTF8);
	return t;
}

// nir_link_name returns the name of link i of group g in name order
// (malloc'd), or NULL.
static char *nir_link_name(hid_t g, hsize_t i) {
	ssize_t n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
	if (n < 0) return NULL;
	char *s = malloc(n + 1);
	H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, s, n + 1, H5P_DEFAULT);
	return s;
}
static long nir_nlinks(hid_t g) {
	H5G_info_t info;
	if (H5Gget_info(g, &info) < 0) return -1;
	return (long)info.nlinks;
}

// nir_read_strs reads a string dataset (variable or fixed length) into a
// malloc'd array of malloc'd strings; it returns the element count, -2 when
// the dataset does not hold strings, -1 on an HDF5 error.
static long nir_read_strs(hid_t ds, char ***out) {
	hid_t ft = H5Dget_type(ds);
	if (ft < 0) return -1;
	if (H5Tget_class(ft) != H5T_STRING) { H5Tclose(ft); return -2; }
	hid_t sp = H5Dget_space(ds);
	hssize_t n = H5Sget_simple_extent_npoints(sp);
	long rc = n;
	char **res = calloc(n > 0 ? n : 1, sizeof(char *));
	if (H5Tis_variable_str(ft) > 0) {
		hid_t mt = nir_vlen_str();
		char **buf = calloc(n > 0 ? n : 1, sizeof(char *));
		if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
			rc = -1;
		} else {
			for (hssize_t i = 0; i < n; i++) res[i] = strdup(buf[i] ? buf[i] : "");
			H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
		}
		free(buf);
		H5Tclose(mt);
	} else {
		size_t sz = H5Tget_size(ft);
		hid_t mt = H5Tcopy(H5T_C_S1);
		H5Tset_size(mt, sz);
		char *buf = calloc(n * sz + 1, 1);
		if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
			rc = -1;
		} else {
			for (hssize_t i = 0; i < n; i++) res[i] = strndup(buf + i * sz, sz);
		}
		free(buf);
		H5Tclose(mt);
	}
	H5Sclose(sp);
	H5Tclose(ft);
	if (rc < 0) {
		for (hssize_t i = 0; i < n; i++) free(res[i]);
		free(res);
		return rc;
	}
	*out = res;
	return rc;
}

// nir_write_strs writes n strings as a vlen UTF-8 dataset: a scalar when
// rank is 0, else shape (n/2, 2) (the edge table).
static int nir_write_strs(hid_t loc, const char *name, char **s, hsize_t n, int rank) {
	hsize_t dims[2] = {n / 2, 2};
	hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(2, dims, NULL);
	hid_t t = nir_vlen_str();
	hid_t ds = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	int rc = -1;
	if (ds >= 0) {
		rc = H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) < 0 ? -1 : 0;
		H5Dclose(ds);
	}
	H5Tclose(t);
	H5Sclose(sp);
	return rc;
}

// nir_write_num writes doubles as a dataset of file type kind (0 f32,
// 1 f64, 2 i64); rank 0 is a scalar.
static int nir_write_num(hid_t loc, const char *name, int rank, hsize_t *dims, double *data, int kind) {
	hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
	hid_t ds = H5Dcreate2(loc, name, nir_file_type(kind), sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
	int rc = -1;
	if (ds >= 0) {
		rc = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ? -1 : 0;
		H5Dclose(ds);
	}
	H5Sclose(sp);
	return rc;
}

static hid_t nir_group_create(hid_t loc, const char *name) {
	return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}
static hid_t nir_group_open(hid_t loc, const char *name) { return H5Gopen2(loc, name, H5P_DEFAULT); }
static hid_t nir_dataset_open(hid_t loc, const char *name) { return H5Dopen2(loc, name, H5P_DEFAULT); }
static hid_t nir_object_open(hid_t loc, const char *name) { return H5Oopen(loc, name, H5P_DEFAULT); }
static int nir_exists(hid_t loc, const char *name) { return H5Lexists(loc, name, H5P_DEFAULT) > 0; }
static int nir_read_doubles(hid_t ds, double *buf) {
	return H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ? -1 : 0;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"unsafe"
)

// HDF5 reports whether this build can read and write .nir files.
const HDF5 = true

// Read reads and validates a .nir file.
func Read(path string) (*File, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	fid := C.nir_open(cp)
	if fid < 0 {
		return nil, fmt.Errorf("%s: not an HDF5 file (a .nir file is HDF5, as written by nir.write)", path)
	}
	defer C.H5Fclose(fid)
	f := &File{}
	if exists(fid, "version") {
		v, err := readString(fid, "version")
		if err != nil {
			return nil, &Error{Msg: "version: " + err.Error()}
		}
		f.Version = v
	}
	if !exists(fid, "node") {
		return nil, &Error{Msg: "no /node group: not a NIR graph file"}
	}
	g, err := openGroup(fid, "node")
	if err != nil {
		return nil, &Error{Msg: "/node: " + err.Error()}
	}
	defer C.H5Gclose(g)
	n, err := readNode(g, "", "")
	if err != nil {
		return nil, err
	}
	if n.Type != "NIRGraph" {
		return nil, &Error{Field: "type", Msg: fmt.Sprintf("the top-level node is a %s, not a NIRGraph", n.Type)}
	}
	f.Graph = n.Graph
	if err := f.Graph.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

func exists(loc C.hid_t, name string) bool {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return C.nir_exists(loc, cs) != 0
}

func openGroup(loc C.hid_t, name string) (C.hid_t, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	g := C.nir_group_open(loc, cs)
	if g < 0 {
		return 0, errors.New("not a group")
	}
	return g, nil
}

// readStrings reads a string dataset's elements; ok is false when it does
// not hold strings.
func readStrings(ds C.hid_t) (s []string, ok bool, err error) {
	var out **C.char
	n := C.nir_read_strs(ds, &out)
	switch {
	case n == -2:
		return nil, false, nil
	case n < 0:
		return nil, true, errors.New("unreadable string dataset")
	}
	arr := unsafe.Slice(out, max(int(n), 1))
	for i := 0; i < int(n); i++ {
		s = append(s, C.GoString(arr[i]))
		C.free(unsafe.Pointer(arr[i]))
	}
	C.free(unsafe.Pointer(out))
	return s, true, nil
}

func readString(loc C.hid_t, name string) (string, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	ds := C.nir_dataset_open(loc, cs)
	if ds < 0 {
		return "", errors.New("not a dataset")
	}
	defer C.H5Dclose(ds)
	s, ok, err := readStrings(ds)
	switch {
	case err != nil:
		return "", err
	case !ok:
		return "", errors.New("not a string")
	case len(s) != 1:
		return "", fmt.Errorf("%d strings where one is expected", len(s))
	}
	return s[0], nil
}

// readArray reads a numeric dataset (integer or float, any rank) as
// float64, remembering its stored element type.
func readArray(ds C.hid_t) (Array, error) {
	ft := C.H5Dget_type(ds)
	defer C.H5Tclose(ft)
	var a Array
	size := C.H5Tget_size(ft)
	switch C.H5Tget_class(ft) {
	case C.H5T_FLOAT:
		a.DType = "f64"
		if size == 4 {
			a.DType = "f32"
		}
	case C.H5T_INTEGER:
		a.DType = "i64"
	default:
		return a, errors.New("neither numbers nor a string")
	}
	sp := C.H5Dget_space(ds)
	defer C.H5Sclose(sp)
	rank := int(C.H5Sget_simple_extent_ndims(sp))
	if rank < 0 || rank > 8 {
		return a, fmt.Errorf("unsupported rank %d", rank)
	}
	n := 1
	if rank > 0 {
		dims := make([]C.hsize_t, rank)
		C.H5Sget_simple_extent_dims(sp, &dims[0], nil)
		for _, d := range dims {
			a.Shape = append(a.Shape, int(d))
			n *= int(d)
		}
	}
	a.Data = make([]float64, n)
	if n > 0 && C.nir_read_doubles(ds, (*C.double)(unsafe.Pointer(&a.Data[0]))) < 0 {
		return a, errors.New("unreadable numeric dataset")
	}
	return a, nil
}

// linkNames lists a group's links in name order.
func linkNames(g C.hid_t) ([]string, error) {
	n := C.nir_nlinks(g)
	if n < 0 {
		return nil, errors.New("unreadable group")
	}
	var names []string
	for i := C.long(0); i < n; i++ {
		cs := C.nir_link_name(g, C.hsize_t(i))
		if cs == nil {
			return nil, errors.New("unreadable link name")
		}
		names = append(names, C.GoString(cs))
		C.free(unsafe.Pointer(cs))
	}
	return names, nil
}

// readNode reads the node stored in group g (path names it in errors).
func readNode(g C.hid_t, path, name string) (*Node, error) {
	p := join(path, name)
	fail := func(field, msg string) error {
		node := p
		if node == "" {
			node = "(top-level graph)"
		}
		return &Error{Node: node, Field: field, Msg: msg}
	}
	if !exists(g, "type") {
		return nil, fail("type", "missing")
	}
	typ, err := readString(g, "type")
	if err != nil {
		return nil, fail("type", err.Error())
	}
	n := &Node{Name: name, Type: typ}
	if typ == "NIRGraph" {
		n.Graph = &Graph{}
		if !exists(g, "nodes") {
			return nil, fail("nodes", "missing")
		}
		ng, err := openGroup(g, "nodes")
		if err != nil {
			return nil, fail("nodes", err.Error())
		}
		defer C.H5Gclose(ng)
		names, err := linkNames(ng)
		if err != nil {
			return nil, fail("nodes", err.Error())
		}
		for _, child := range names {
			cg, err := openGroup(ng, child)
			if err != nil {
				return nil, &Error{Node: join(p, child), Msg: "not a group"}
			}
			c, err := readNode(cg, p, child)
			C.H5Gclose(cg)
			if err != nil {
				return nil, err
			}
			n.Graph.Nodes = append(n.Graph.Nodes, c)
		}
		if !exists(g, "edges") {
			return nil, fail("edges", "missing")
		}
		cs := C.CString("edges")
		ds := C.nir_dataset_open(g, cs)
		C.free(unsafe.Pointer(cs))
		if ds < 0 {
			return nil, fail("edges", "not a dataset")
		}
		defer C.H5Dclose(ds)
		s, ok, err := readStrings(ds)
		if err != nil {
			return nil, fail("edges", err.Error())
		}
		if !ok {
			// the reference writer stores no edges as an empty float64 array
			a, err := readArray(ds)
			if err != nil || a.Len() != 0 {
				return nil, fail("edges", "not strings")
			}
		}
		if len(s)%2 != 0 {
			return nil, fail("edges", fmt.Sprintf("%d strings: not pairs", len(s)))
		}
		for i := 0; i < len(s); i += 2 {
			n.Graph.Edges = append(n.Graph.Edges, [2]string{s[i], s[i+1]})
		}
		return n, nil
	}
	names, err := linkNames(g)
	if err != nil {
		return nil, fail("", err.Error())
	}
	for _, f := range names {
		if f == "type" || f == "metadata" { // metadata never changes what runs
			continue
		}
		cs := C.CString(f)
		ds := C.nir_dataset_open(g, cs)
		C.free(unsafe.Pointer(cs))
		if ds < 0 {
			return nil, fail(f, "not a dataset")
		}
		s, ok, err := readStrings(ds)
		if err == nil && ok {
			if len(s) != 1 {
				err = fmt.Errorf("%d strings where one is expected", len(s))
			} else {
				if n.Strings == nil {
					n.Strings = map[string]string{}
				}
				n.Strings[f] = s[0]
			}
		} else if err == nil {
			var a Array
			a, err = readArray(ds)
			if err == nil {
				if n.Params == nil {
					n.Params = map[string]Array{}
				}
				n.Params[f] = a
			}
		}
		C.H5Dclose(ds)
		if err != nil {
			return nil, fail(f, err.Error())
		}
	}
	return n, nil
}

// Write writes f as a .nir file in the layout of the reference writer:
// scalar vlen UTF-8 strings, (E, 2) edges, one dataset per parameter with
// its element type, contiguous and uncompressed.
func Write(path string, f *File) error {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	fid := C.nir_create(cp)
	if fid < 0 {
		return fmt.Errorf("%s: cannot create the HDF5 file", path)
	}
	err := writeString(fid, "version", f.Version)
	if err == nil {
		err = writeGroup(fid, "node", &Node{Type: "NIRGraph", Graph: f.Graph})
	}
	if C.H5Fclose(fid) < 0 && err == nil {
		err = fmt.Errorf("%s: closing the HDF5 file failed", path)
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

func cstrings(s []string) (**C.char, func()) {
	arr := (*[1 << 28]*C.char)(C.malloc(C.size_t(max(len(s), 1)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	for i, x := range s {
		arr[i] = C.CString(x)
	}
	return &arr[0], func() {
		for i := range s {
			C.free(unsafe.Pointer(arr[i]))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}
}

func writeString(loc C.hid_t, name, val string) error {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	p, free := cstrings([]string{val})
	defer free()
	if C.nir_write_strs(loc, cs, p, 1, 0) < 0 {
		return fmt.Errorf("writing %s failed", name)
	}
	return nil
}

func writeGroup(loc C.hid_t, name string, n *Node) error {
	cs := C.CString(name)
	g := C.nir_group_create(loc, cs)
	C.free(unsafe.Pointer(cs))
	if g < 0 {
		return fmt.Errorf("cannot create group %s", name)
	}
	defer C.H5Gclose(g)
	if err := writeString(g, "type", n.Type); err != nil {
		return err
	}
	if n.Type == "NIRGraph" {
		cs := C.CString("nodes")
		ng := C.nir_group_create(g, cs)
		C.free(unsafe.Pointer(cs))
		if ng < 0 {
			return errors.New("cannot create group nodes")
		}
		defer C.H5Gclose(ng)
		for _, c := range n.Graph.Nodes {
			if err := writeGroup(ng, c.Name, c); err != nil {
				return fmt.Errorf("node %s: %w", c.Name, err)
			}
		}
		var flat []string
		for _, e := range n.Graph.Edges {
			flat = append(flat, e[0], e[1])
		}
		p, free := cstrings(flat)
		defer free()
		es := C.CString("edges")
		defer C.free(unsafe.Pointer(es))
		if C.nir_write_strs(g, es, p, C.hsize_t(len(flat)), 2) < 0 {
			return errors.New("writing edges failed")
		}
		return nil
	}
	for _, k := range sortedKeys(n.Strings) {
		if err := writeString(g, k, n.Strings[k]); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(n.Params) {
		a := n.Params[k]
		kind := map[string]C.int{"f32": 0, "f64": 1, "i64": 2}[a.DType]
		if _, ok := map[string]bool{"f32": true, "f64": true, "i64": true}[a.DType]; !ok {
			kind = 1
		}
		dims := make([]C.hsize_t, max(len(a.Shape), 1))
		for i, d := range a.Shape {
			dims[i] = C.hsize_t(d)
		}
		data := a.Data
		if len(data) == 0 {
			data = []float64{0} // a valid pointer for an empty array
		}
		cs := C.CString(k)
		cd := (*C.double)(C.malloc(C.size_t(len(data)) * 8))
		copy(unsafe.Slice((*float64)(unsafe.Pointer(cd)), len(data)), data)
		rc := C.nir_write_num(g, cs, C.int(len(a.Shape)), &dims[0], cd, kind)
		C.free(unsafe.Pointer(cd))
		C.free(unsafe.Pointer(cs))
		if rc < 0 {
			return fmt.Errorf("writing %s failed", k)
		}
	}
	return nil
}

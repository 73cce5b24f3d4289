//go:build !hdf5

package nir

// HDF5 reports whether this build can read and write .nir files.
const HDF5 = false

// Read is unavailable without the hdf5 build tag.
func Read(path string) (*File, error) { return nil, ErrNoHDF5 }

// Write is unavailable without the hdf5 build tag.
func Write(path string, f *File) error { return ErrNoHDF5 }

package nir

import "errors"

// ErrNoHDF5 is returned by Read and Write in a build without the hdf5 tag.
var ErrNoHDF5 = errors.New("this snnc was built without HDF5 support, which .nir files need: install libhdf5-dev (apt-get install -y libhdf5-dev) and build with `make snnc` or `go build -tags hdf5 ./cmd/snnc`")

// Package atomicfile replaces files so that a crash or kill -9 at any moment leaves either the
// old file or the new one, never a torn one. The sandbox state, plan files and exported specs
// all go through it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data: a temporary file in the same directory (so the rename never
// crosses file systems), synced, given perm, then renamed over path; the directory is synced
// too so that the rename itself survives a power cut where the platform allows it. On error
// the temporary file is removed and path is left as it was.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil { // not every platform can sync a directory
		d.Sync()
		d.Close()
	}
	return nil
}

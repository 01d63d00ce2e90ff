// A Go guest exercising the runtime: maps, sorting, formatting, errors, files, panics.
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type shape interface{ area() float64 }
type circle struct{ r float64 }
type rect struct{ w, h float64 }

func (c circle) area() float64 { return math.Pi * c.r * c.r }
func (r rect) area() float64   { return r.w * r.h }

func divide(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func main() {
	words := strings.Fields("the quick brown fox jumps over the lazy dog and the quick cat")
	counts := map[string]int{}
	for _, w := range words {
		counts[w]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%d ", k, counts[k])
	}
	fmt.Println()

	shapes := []shape{circle{1.5}, rect{2, 3.25}, circle{0.1}}
	sort.Slice(shapes, func(i, j int) bool { return shapes[i].area() < shapes[j].area() })
	for _, s := range shapes {
		fmt.Printf("%T %.6f %e %g\n", s, s.area(), s.area(), math.Sqrt(s.area()))
	}
	fmt.Println(strconv.FormatFloat(1.0/3.0, 'g', -1, 64), strconv.Itoa(-12345), math.Inf(1), -math.MaxFloat64, math.SmallestNonzeroFloat64)
	if _, err := divide(1, 0); err != nil {
		fmt.Println("error:", err)
	}
	var big uint64 = 1
	for i := 0; i < 70; i++ {
		big = big*3 + uint64(i)
	}
	fmt.Println("big", big, int64(big)>>7, big/12345, big%977)

	dir, err := os.MkdirTemp("", "tv-go-")
	if err != nil {
		fmt.Println("mkdirtemp:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data.txt")
	if err := os.WriteFile(path, []byte("line one\nline two\n"), 0o644); err != nil {
		fmt.Println("write:", err)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	fmt.Printf("read %d bytes, size %d, mode %v, lines %d\n", len(data), fi.Size(), fi.Mode(), strings.Count(string(data), "\n"))
	_, err = os.Open(filepath.Join(dir, "missing"))
	fmt.Println("missing file is ErrNotExist:", errors.Is(err, os.ErrNotExist))
	fmt.Println("args", len(os.Args), os.Args[1:])
	os.Exit(7)
}

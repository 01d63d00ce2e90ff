// A Go guest exercising goroutines, channels, select, timers, mutexes and the scheduler.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func worker(id int, jobs <-chan int, results chan<- [2]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		s := 0
		for k := 0; k < j*1000; k++ {
			s += k % (id + 2)
		}
		results <- [2]int{j, s}
	}
}

func main() {
	jobs := make(chan int, 100)
	results := make(chan [2]int, 100)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	for j := 1; j <= 40; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	close(results)
	total := 0
	for r := range results {
		total += r[0]
	}
	fmt.Println("jobs done, sum of ids:", total)

	var counter int64
	var mu sync.Mutex
	shared := map[int]int{}
	var wg2 sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			for i := 0; i < 1000; i++ {
				atomic.AddInt64(&counter, 1)
				mu.Lock()
				shared[i%10]++
				mu.Unlock()
				if i%100 == 0 {
					runtime.Gosched()
				}
			}
		}(g)
	}
	wg2.Wait()
	fmt.Println("counter", atomic.LoadInt64(&counter), "shared[3]", shared[3])

	timeout := time.After(2 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	ticks := 0
	done := make(chan struct{})
	go func() {
		time.Sleep(30 * time.Millisecond)
		close(done)
	}()
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-done:
			break loop
		case <-timeout:
			fmt.Println("timeout!")
			break loop
		}
	}
	fmt.Println("ticker fired at least twice:", ticks >= 2)
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Println("gc ran:", m.NumGC > 0)
}

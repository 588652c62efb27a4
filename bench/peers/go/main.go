// feed-peer-go: a peer baseline for bench/run-http. A Go net/http server
// (standard library only) that answers GET /v1/feed?limit=20 with the bytes
// Griddle answered for the same token, from maps in memory loaded from a
// dump written by bench/peers/dump-feeds. See bench/peers/README.md.
//
//	feed-peer-go -data FILE -listen 127.0.0.1:PORT
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	data := flag.String("data", "", "dump file from bench/peers/dump-feeds (required)")
	listen := flag.String("listen", "127.0.0.1:8090", "address to serve HTTP on")
	flag.Parse()
	if *data == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: feed-peer-go -data FILE [-listen HOST:PORT]")
		os.Exit(2)
	}
	dump, err := loadFeedDump(*data)
	if err != nil {
		log.Fatalf("feed-peer-go: %v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("feed-peer-go: %v", err)
	}
	// Like Griddle's gateway: idle keep-alive connections close after 30 s.
	server := &http.Server{Handler: &feedHandler{dump: dump}, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: 30 * time.Second}

	// Stop like griddle-node: on SIGTERM or Ctrl-C, finish in-flight requests.
	stopped := make(chan struct{})
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
		<-signals
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		server.Shutdown(ctx)
		close(stopped)
	}()

	fmt.Printf("feed-peer-go (pid %d) serving http://%s/ : %d sessions, %d users, GOMAXPROCS %d\n",
		os.Getpid(), ln.Addr(), len(dump.userByToken), len(dump.feedByUser), runtime.GOMAXPROCS(0))
	if err := server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("feed-peer-go: %v", err)
	}
	<-stopped
}

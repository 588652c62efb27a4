module griddle/bench/peers/feed-peer

go 1.19

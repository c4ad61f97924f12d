module example.com/detach

go 1.22

module example.com/rootmod/v2

go 1.22

module basics
go 1.19

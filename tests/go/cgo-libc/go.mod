module cgolibc
go 1.19

" .snn spiking-network models (snnc)
autocmd BufRead,BufNewFile *.snn setfiletype snn

" glha specs: *.glha
autocmd BufRead,BufNewFile *.glha setfiletype glha

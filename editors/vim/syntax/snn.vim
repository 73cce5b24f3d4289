" Vim syntax for .snn spiking-network models (snnc). The same token classes
" as the TextMate grammar of editors/vscode.
if exists('b:current_syntax')
  finish
endif

syn keyword snnDecl      import neuron synapse network function run population input project record
syn keyword snnDecl      compartment dendrite phase wta modulator normalize
syn keyword snnBlock     parameters state equations inputs
syn keyword snnControl   if then else unless every except for to on rising
syn match   snnControl   '\<at\s\+end\>'
syn keyword snnKeyword   deliver refractory using method continuous current summed
syn keyword snnOperator  and or not
syn keyword snnBoolean   true false
syn keyword snnSpecial   pre post weight self t
syn keyword snnEvent     threshold
syn keyword snnBuiltin   exp log sin cos tanh sigmoid abs floor ceil round min max clip sqrt pow
syn keyword snnBuiltin   uniform normal rand poisson poisson_group file spikes spike_times current_step dataset patterns
syn keyword snnBuiltin   all_to_all one_to_one bernoulli fan_in fan_out fixed_total_number gaussian from_file weights spikes_of

" the name a declaration introduces
syn match snnTypeName    /\%(\<\%(neuron\|synapse\)\s\+\)\@<=\h\w*/
syn match snnTypeName    /\%(\<using\s\+\)\@<=\h\w*/
syn match snnTypeName    /\%(\<population\s\+\h\w*\s*=\s*\)\@<=\h\w*\ze\s*\[/
syn match snnNetName     /\%(\<\%(network\|run\)\s\+\)\@<=\h\w*/
syn match snnFuncName    /\%(\<function\s\+\)\@<=\h\w*/
" v' and dv/dt
syn match snnDerivative  /\h\w*'/
syn match snnDerivative  /\<d\h\w*\/dt\>\ze\s*=[^=]/

" a number, and the unit written right after it: 20 ms, 0.5 mV/ms
syn match snnNumber      /\%(\<\|\.\)\d\+\%(\.\d*\)\=\%([eE][-+]\=\d\+\)\=/ nextgroup=snnUnit skipwhite
syn match snnNumber      /\.\d\+\%([eE][-+]\=\d\+\)\=/ nextgroup=snnUnit skipwhite
syn match snnUnit        contained /\%([yzafpnuµμmcdkMGT]\=\%(mol\|cd\|Hz\|Pa\|ohm\|Ohm\|Ω\|s\|m\|g\|A\|K\|N\|J\|W\|C\|V\|F\|S\|L\|l\|M\)\|min\|h\)\%(\^-\=\d\+\)\=\%(\s*[*/]\s*\%([yzafpnuµμmcdkMGT]\=\%(mol\|cd\|Hz\|Pa\|ohm\|Ohm\|Ω\|s\|m\|g\|A\|K\|N\|J\|W\|C\|V\|F\|S\|L\|l\|M\)\|min\|h\)\%(\^-\=\d\+\)\=\)*\>/

syn region snnString     start=/"/ skip=/\\./ end=/"\|$/ contains=snnEscape
syn match  snnEscape     contained /\\./
syn match  snnComment    /#.*$/ contains=@Spell

hi def link snnDecl       Structure
hi def link snnBlock      Keyword
hi def link snnControl    Conditional
hi def link snnKeyword    Keyword
hi def link snnOperator   Operator
hi def link snnBoolean    Boolean
hi def link snnSpecial    Special
hi def link snnEvent      Constant
hi def link snnBuiltin    Function
hi def link snnTypeName   Type
hi def link snnNetName    Identifier
hi def link snnFuncName   Function
hi def link snnDerivative Identifier
hi def link snnNumber     Number
hi def link snnUnit       Type
hi def link snnString     String
hi def link snnEscape     SpecialChar
hi def link snnComment    Comment

let b:current_syntax = 'snn'

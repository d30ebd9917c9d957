^XA
^FX dpi=203
^FX Reprint of a carton label: the carton layout under a black REPRINT banner that names the
^FX original job and the reason, so a reprint is never mistaken for the first print.
^LH0,0
^FO0,0^GB812,110,110^FS
^FO30,12^A0N,60,60^FR^FDREPRINT^FS
^FO330,12^A0N,26,24^FR^FDof job {{original_job}}^FS
^FO330,45^A0N,26,24^FR^FDReason: {{reprint_reason}}^FS
^FO330,78^A0N,22,20^FR^FD{{operator}}  {{date}}^FS
^FO40,125^A0N,50,46^FDORDER {{order}}^FS
^FO40,180^A0N,28,26^FDCustomer ref: {{customer_ref}}   Units: {{unit_count}}^FS
^FO40,220{{code128 order height=100 module=3}}
^FO30,360^GB752,3,3^FS
^FO40,372^A0N,22,20^FDSERIAL^FS
^FO330,372^A0N,22,20^FDGTIN / SKU^FS
^FO590,372^A0N,22,20^FDLOT / EXPIRY^FS
{{#units step=34 max=22}}
^FO40,406^A0N,26,20^FD{{unit.serial}}^FS
{{#if unit.gtin}}^FO330,406^A0N,26,20^FD{{unit.gtin}}^FS{{/if}}
{{#unless unit.gtin}}^FO330,406^A0N,26,20^FD{{unit.sku}}^FS{{/unless}}
^FO590,406^A0N,22,18^FD{{unit.lot}} {{unit.expiry}}^FS
{{/units}}
{{#if units_hidden}}^FO40,1166^A0N,28,26^FD+ {{units_hidden}} more units not listed^FS{{/if}}
^XZ

^XA
^FX dpi=203
^FX Carton label, 4 x 6 in: order, customer reference, unit count, a Code 128 of the order
^FX number, then one row per unit (serial, GTIN or SKU, lot and expiry).
^LH0,0
^FO40,30^A0N,56,50^FDORDER {{order}}^FS
^FO40,95^A0N,30,28^FDCustomer ref: {{customer_ref}}^FS
^FO40,135^A0N,30,28^FDUnits: {{unit_count}}^FS
^FO40,175^A0N,24,22^FDStation {{station}}  Operator {{operator}}  {{date}}^FS
^FO40,215{{code128 order height=110 module=3}}
^FO30,365^GB752,3,3^FS
^FO40,378^A0N,22,20^FDSERIAL^FS
^FO330,378^A0N,22,20^FDGTIN / SKU^FS
^FO590,378^A0N,22,20^FDLOT / EXPIRY^FS
{{#units step=34 max=22}}
^FO40,412^A0N,26,20^FD{{unit.serial}}^FS
{{#if unit.gtin}}^FO330,412^A0N,26,20^FD{{unit.gtin}}^FS{{/if}}
{{#unless unit.gtin}}^FO330,412^A0N,26,20^FD{{unit.sku}}^FS{{/unless}}
^FO590,412^A0N,22,18^FD{{unit.lot}} {{unit.expiry}}^FS
{{/units}}
{{#if units_hidden}}^FO40,1172^A0N,28,26^FD+ {{units_hidden}} more units not listed^FS{{/if}}
^XZ

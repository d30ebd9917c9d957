^XA
^FX dpi=203
^FX Unit serial label: GS1 DataMatrix, GS1 Digital Link QR and GS1-128 of the unit's GTIN,
^FX serial, lot and expiry. A unit without a GTIN gets a DataMatrix and a Code 128 of its SKU
^FX and serial instead.
^LH0,0
^FO40,30^A0N,44,40^FDSerial {{serial}}^FS
{{#if gtin}}^FO40,85^A0N,30,28^FDGTIN {{gtin}}^FS{{/if}}
{{#unless gtin}}^FO40,85^A0N,30,28^FDSKU {{sku}}^FS{{/unless}}
^FO40,125^A0N,30,28^FDLot {{lot}}   Expiry {{expiry}}^FS
^FO40,165^A0N,24,22^FDOrder {{order}}^FS
{{#if gtin}}
^FO40,215{{gs1_datamatrix 01=gtin 21=serial 10=lot? 17=expiry? module=7}}
^FO440,215{{digital_link_qr 01=gtin 21=serial 10=lot? 17=expiry? module=4}}
^FO40,560{{gs1_128 01=gtin 17=expiry? 10=lot? 21=serial height=130 module=2}}
{{/if}}
{{#unless gtin}}
^FO40,215{{datamatrix sku module=7}}
^FO40,560{{code128 serial height=130 module=2}}
{{/unless}}
^XZ

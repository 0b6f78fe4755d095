CREATE TABLE "item_comments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" integer NOT NULL,
	"item_id" bigint NOT NULL,
	"user_id" integer,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "item_comments" ADD CONSTRAINT "item_comments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_comments" ADD CONSTRAINT "item_comments_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_comments" ADD CONSTRAINT "item_comments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_comments_item" ON "item_comments" USING btree ("item_id","id");--> statement-breakpoint
CREATE INDEX "annotations_project_time" ON "annotations" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "items_project_id" ON "items" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "items_project_status_id" ON "items" USING btree ("project_id","status","id");--> statement-breakpoint
CREATE INDEX "leases_project_stream_item" ON "leases" USING btree ("project_id","stream","item_id");--> statement-breakpoint
CREATE INDEX "ranking_entries_uncertainty" ON "ranking_entries" USING btree ("ranking_id","uncertainty","item_id");